import { coreBusySeconds, cpuSeconds } from './cpu-seconds.js';
import type { DnsperfStats } from './dnsperf-stats.js';
import { runDnsperf, type DnsperfLoad } from './run-dnsperf.js';

/** A server process the bench loads: its pid for CPU accounting, and the port it answers on. */
export interface ServerUnderTest {
  readonly server: string;
  readonly pid: number;
  readonly port: number;
  readonly core: number;
}

/** One server's measured run, with the CPU it spent and the CPU others took from its core meanwhile. */
export interface ServerRun {
  server: string;
  stats: DnsperfStats;
  /** How long the load ran, dnsperf's wait for late answers included: the base of the CPU shares. */
  wallSeconds: number;
  serverCpuSeconds: number;
  /** Busy time on the server's core not spent by the server: other processes on a shared machine. */
  othersOnCoreSeconds: number;
  /** Queries answered per CPU-second of the server: its efficiency, whatever else ran on the core. */
  queriesPerCpuSecond: number;
}

/** Loads `target` with dnsperf and accounts the CPU time of the server and of its core around the run. */
export async function measureServer(
  target: ServerUnderTest,
  load: DnsperfLoad,
): Promise<ServerRun> {
  const [server0, core0] = await Promise.all([
    cpuSeconds(target.pid),
    coreBusySeconds(target.core),
  ]);
  const started = performance.now();
  const stats = await runDnsperf(target.port, load);
  const wallSeconds = (performance.now() - started) / 1000;
  const [server1, core1] = await Promise.all([
    cpuSeconds(target.pid),
    coreBusySeconds(target.core),
  ]);
  const serverCpuSeconds = server1 - server0;
  return {
    server: target.server,
    stats,
    wallSeconds,
    serverCpuSeconds,
    othersOnCoreSeconds: Math.max(0, core1 - core0 - serverCpuSeconds),
    queriesPerCpuSecond: serverCpuSeconds > 0 ? stats.completed / serverCpuSeconds : Number.NaN,
  };
}
