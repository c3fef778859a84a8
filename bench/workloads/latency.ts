import type { Endpoint } from '../path-under-test.js';
import { runPeer } from '../process/run-peer.js';
import { peerTarget } from './peer-target.js';
import type { Workload, WorkloadResult } from './workload.js';

export interface LatencyOptions {
  readonly warmup: number;
  readonly rounds: number;
  /** The client stops early (and reports fewer rounds) past this. */
  readonly deadlineMs: number;
}

/** 1 KiB request/response ping-pong over one kept-alive connection; p50/p99 in ms. */
export async function measureLatency(
  at: Endpoint,
  options: LatencyOptions,
): Promise<WorkloadResult> {
  const args = [
    at.host,
    String(at.port),
    String(options.warmup),
    String(options.rounds),
    String(options.deadlineMs),
  ];
  const result = await runPeer<{ rounds: number; p50Ms: number; p99Ms: number }>(
    'latency-client',
    args,
    options.deadlineMs + 10_000,
  );
  const notes =
    result.rounds < options.rounds ? [`only ${result.rounds} rounds before the deadline`] : [];
  return { figures: { p50Ms: result.p50Ms, p99Ms: result.p99Ms }, notes };
}

/** Request/response latency, lower is better; also shown as the amount added over direct. */
export function latencyWorkload(options: LatencyOptions): Workload {
  return {
    name: `latency (1 KiB ping-pong, ${options.rounds} rounds)`,
    columns: [
      { key: 'p50Ms', label: 'p50 ms' },
      { key: 'p99Ms', label: 'p99 ms' },
    ],
    headline: 'p50Ms',
    addedOverDirect: ['p50Ms', 'p99Ms'],
    startTarget: () => peerTarget('echo-server'),
    measure: (path) => measureLatency(path, options),
  };
}
