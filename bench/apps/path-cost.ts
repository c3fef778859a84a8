import { readFile } from 'node:fs/promises';

import { cpuSeconds } from '../dns/cpu-seconds.js';

/** CPU time and read/write-family system calls the path's processes have used so far, summed. */
export interface PathCounters {
  readonly cpuSeconds: number;
  readonly syscalls: number;
}

/**
 * Reads /proc/<pid>/stat (user + system time) and /proc/<pid>/io (`syscr` + `syscw`: read, write,
 * readv, writev and friends) of every process of a path. Per operation these say what the path costs
 * even on a machine so busy that its throughput mostly measures the other tenants.
 */
export async function readPathCounters(pids: readonly number[]): Promise<PathCounters> {
  const each = await Promise.all(
    pids.map(async (pid) => ({ cpuSeconds: await cpuSeconds(pid), syscalls: await syscalls(pid) })),
  );
  return each.reduce(
    (sum, c) => ({
      cpuSeconds: sum.cpuSeconds + c.cpuSeconds,
      syscalls: sum.syscalls + c.syscalls,
    }),
    { cpuSeconds: 0, syscalls: 0 },
  );
}

async function syscalls(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return field('syscr') + field('syscw');
}

/** The path's cost per operation between two readings: CPU µs, system calls, µs waiting for a CPU. */
export function costPerOperation(
  before: PathCounters,
  after: PathCounters,
  waitSeconds: number,
  operations: number,
): { pathCpuUsPerOp: number; pathSyscallsPerOp: number; pathWaitUsPerOp: number } {
  return {
    pathWaitUsPerOp: (waitSeconds * 1e6) / operations,
    pathCpuUsPerOp: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / operations,
    pathSyscallsPerOp: (after.syscalls - before.syscalls) / operations,
  };
}
