import { readdir, readFile } from 'node:fs/promises';

const POLL_MS = 100;

/** Measures how long a set of processes' threads waited, runnable, for a CPU, while it runs. */
export interface RunQueueWait {
  /** Stops polling (once; later calls give the same answer); the total wait in seconds since the start. */
  stop(): Promise<number>;
}

/**
 * Polls /proc/<pid>/task/<tid>/schedstat (its second field: ns spent on a run queue) of every
 * thread. Threads come and go with connections (stunnel runs one per connection) and a dead
 * thread's counters vanish, so each thread's growth is kept from its last reading: a thread that
 * ends loses at most one poll interval. On a shared machine this is where a proxy's latency goes
 * when it is ready to run and others hold the cores.
 */
export async function watchRunQueueWait(pids: readonly number[]): Promise<RunQueueWait> {
  const baseline = await readWaits(pids);
  const latest = new Map(baseline);
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(async () => {
      for (const [tid, ns] of await readWaits(pids)) latest.set(tid, ns);
    });
  }, POLL_MS);
  let total: Promise<number> | undefined;
  const finish = async (): Promise<number> => {
    clearInterval(timer);
    await polling;
    for (const [tid, ns] of await readWaits(pids)) latest.set(tid, ns);
    let sum = 0;
    for (const [tid, ns] of latest) sum += ns - (baseline.get(tid) ?? 0);
    return sum / 1e9;
  };
  return { stop: () => (total ??= finish()) };
}

async function readWaits(pids: readonly number[]): Promise<Map<string, number>> {
  const waits = new Map<string, number>();
  for (const pid of pids) {
    const tids = await readdir(`/proc/${pid}/task`).catch(() => []);
    for (const tid of tids) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '');
      const ns = Number(stat.split(' ')[1]);
      if (Number.isFinite(ns)) waits.set(`${pid}/${tid}`, ns);
    }
  }
  return waits;
}
