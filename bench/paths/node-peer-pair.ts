import type { PathUnderTest, RunningPath } from '../path-under-test.js';
import { startPeer, type PeerProcess } from '../process/start-peer.js';
import { createThrowawayCert } from './throwaway-cert.js';

/**
 * A path made of two node peer scripts: `<egress> <certDir> <target>` then
 * `<ingress> <certDir> <egress>`; the client connects to the ingress.
 */
export function nodePeerPair(name: string, ingress: string, egress: string): PathUnderTest {
  return {
    name,
    async start(target): Promise<RunningPath> {
      const cert = await createThrowawayCert();
      const started: PeerProcess[] = [];
      const stop = async (): Promise<void> => {
        await Promise.all(started.map((peer) => peer.stop()));
        await cert.remove();
      };
      try {
        const out = await startPeer(egress, [cert.dir, `${target.host}:${target.port}`]);
        started.push(out);
        const into = await startPeer(ingress, [cert.dir, `127.0.0.1:${out.port}`]);
        started.push(into);
        return { host: '127.0.0.1', port: into.port, pids: [into.pid, out.pid], stop };
      } catch (err) {
        await stop();
        throw err;
      }
    },
  };
}
