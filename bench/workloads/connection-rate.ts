import type { Endpoint } from '../path-under-test.js';
import { runPeer } from '../process/run-peer.js';
import { peerTarget } from './peer-target.js';
import type { Workload, WorkloadResult } from './workload.js';

export interface ConnectionRateOptions {
  readonly concurrency: number;
  readonly seconds: number;
}

/** Short connections (open, read one byte, close) at fixed concurrency; connections/s and errors. */
export async function measureConnectionRate(
  at: Endpoint,
  options: ConnectionRateOptions,
): Promise<WorkloadResult> {
  const args = [at.host, String(at.port), String(options.concurrency), String(options.seconds)];
  const result = await runPeer<{ perSecond: number; errors: number }>(
    'connect-client',
    args,
    options.seconds * 1_000 + 15_000,
  );
  return { figures: { perSecond: result.perSecond, errors: result.errors }, notes: [] };
}

/** Connection setup rate, higher is better. */
export function connectionRateWorkload(options: ConnectionRateOptions): Workload {
  return {
    name: `connection rate (concurrency ${options.concurrency}, ${options.seconds}s)`,
    columns: [
      { key: 'perSecond', label: 'conn/s' },
      { key: 'errors', label: 'errors' },
    ],
    headline: 'perSecond',
    addedOverDirect: [],
    startTarget: () => peerTarget('one-byte-server'),
    measure: (path) => measureConnectionRate(path, options),
  };
}
