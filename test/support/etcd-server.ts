import { join } from 'node:path';
import { etcdBinary } from './kube-tools.js';
import { spawnServer, stopServer, waitUntilServing, type ServerProcess } from './server-process.js';
import { freePort } from './tcp-probes.js';

/** A single-member etcd on loopback ports, its data under the directory it was given. */
export interface EtcdServer extends ServerProcess {
  readonly clientUrl: string;
}

/** Starts etcd with its data and log in `dir`; resolves once `/health` says so. */
export async function startEtcdServer(dir: string, timeoutMs = 15_000): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = spawnServer(
    etcdBinary(),
    [
      '--name',
      'default',
      '--data-dir',
      join(dir, 'etcd-data'),
      '--listen-client-urls',
      clientUrl,
      '--advertise-client-urls',
      clientUrl,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `default=${peerUrl}`,
    ],
    join(dir, 'etcd.log'),
  );
  try {
    await waitUntilServing(server, 'etcd', timeoutMs, async () => {
      const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      return ((await response.json()) as { health?: string }).health === 'true';
    });
  } catch (err) {
    await stopServer(server);
    throw err;
  }
  return { ...server, clientUrl };
}
