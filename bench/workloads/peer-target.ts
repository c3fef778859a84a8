import { startPeer } from '../process/start-peer.js';
import type { RunningTarget } from './workload.js';

/** Starts a peer script as a workload's target server on loopback. */
export async function peerTarget(name: string): Promise<RunningTarget> {
  const peer = await startPeer(name, []);
  return { host: '127.0.0.1', port: peer.port, stop: () => peer.stop() };
}
