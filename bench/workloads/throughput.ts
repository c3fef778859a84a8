import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

import type { Endpoint } from '../path-under-test.js';
import { freePort } from '../process/free-port.js';
import { runPeer } from '../process/run-peer.js';
import { startPeer } from '../process/start-peer.js';
import { stopChild } from '../process/stop-child.js';
import { waitForListen } from '../process/wait-for-listen.js';
import type { RunningTarget, Workload, WorkloadResult } from './workload.js';

const run = promisify(execFile);

export interface ThroughputOptions {
  readonly seconds: number;
}

/** Which tool drives the flow: iperf3 when installed, because its C sender and sink cost less CPU. */
export type ThroughputTool = 'iperf3' | 'node';

/** True when an `iperf3` binary answers `--version`. */
export function hasIperf3(): boolean {
  return spawnSync('iperf3', ['--version'], { timeout: 5_000 }).status === 0;
}

/** Starts the throughput target: an iperf3 server, or the node byte sink. */
export async function startThroughputTarget(tool: ThroughputTool): Promise<RunningTarget> {
  if (tool === 'node') {
    const peer = await startPeer('sink-server', []);
    return { host: '127.0.0.1', port: peer.port, stop: () => peer.stop() };
  }
  const port = await freePort();
  // Not one-off (-1): one server serves every path in turn, one test at a time.
  const child = spawn('iperf3', ['-s', '-p', String(port), '-B', '127.0.0.1'], { stdio: 'ignore' });
  await waitForListen(port);
  return { host: '127.0.0.1', port, stop: () => stopChild(child) };
}

/** One TCP flow for `seconds`; returns Gbit/s as received by the sink. */
export async function measureThroughput(
  tool: ThroughputTool,
  at: Endpoint,
  options: ThroughputOptions,
): Promise<WorkloadResult> {
  const timeoutMs = options.seconds * 1_000 + 20_000;
  if (tool === 'node') {
    const result = await runPeer<{ gbps: number }>(
      'sink-sender',
      [at.host, String(at.port), String(options.seconds)],
      timeoutMs,
    );
    return { figures: { gbps: result.gbps }, notes: ['node sender/sink'] };
  }
  const args = ['-c', at.host, '-p', String(at.port), '-t', String(options.seconds), '-J'];
  const { stdout } = await run('iperf3', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return { figures: { gbps: receivedBitsPerSecond(stdout) / 1e9 }, notes: [] };
}

function receivedBitsPerSecond(iperfJson: string): number {
  const report = JSON.parse(iperfJson) as {
    error?: string;
    end?: { sum_received?: { bits_per_second?: number } };
  };
  const bps = report.end?.sum_received?.bits_per_second;
  if (bps === undefined) throw new Error(`iperf3: ${report.error ?? 'no sum_received in report'}`);
  return bps;
}

/** Single-flow bulk throughput, Gbit/s, higher is better. */
export function throughputWorkload(options: ThroughputOptions): Workload {
  const tool: ThroughputTool = hasIperf3() ? 'iperf3' : 'node';
  return {
    name: `throughput (${tool}, 1 flow, ${options.seconds}s)`,
    columns: [{ key: 'gbps', label: 'Gbit/s' }],
    headline: 'gbps',
    addedOverDirect: [],
    startTarget: () => startThroughputTarget(tool),
    measure: (path) => measureThroughput(tool, path, options),
  };
}
