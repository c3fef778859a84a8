import { readFile } from 'node:fs/promises';

// USER_HZ: the unit of /proc/<pid>/stat times on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) that `pid` and all its threads have used, from /proc/<pid>/stat.
 * The bench divides queries by it: on a shared machine, queries per CPU-second stays meaningful
 * when other processes steal part of the server's core and queries per second does not.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU time every process together has used on one core (`cpuN` of /proc/stat), idle and iowait excluded. */
export async function coreBusySeconds(core: number): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  const line = stat.split('\n').find((l) => l.startsWith(`cpu${core} `));
  if (line === undefined) throw new Error(`no cpu${core} in /proc/stat`);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}
