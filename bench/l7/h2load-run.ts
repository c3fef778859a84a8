import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

/**
 * `h2load` against `url`: HTTP/1.1 keep-alive (`--h1`) or h2c with prior knowledge; requests/s
 * from its summary, p50/p99 from its per-request log (microseconds until the end of each response).
 */
export async function h2load(
  url: string,
  options: { h1: boolean; requests: number; clients: number; streams: number; logFile: string },
): Promise<LoadFigures> {
  const args = [
    ...(options.h1 ? ['--h1'] : []),
    '-n',
    String(options.requests),
    '-c',
    String(options.clients),
    '-m',
    String(options.streams),
    `--log-file=${options.logFile}`,
    url,
  ];
  const { stdout } = await run('h2load', args, { timeout: 300_000, maxBuffer: 8 << 20 });
  const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout);
  const failed = /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed/.exec(
    stdout,
  );
  if (rps === null || failed === null) throw new Error(`h2load output not understood:\n${stdout}`);
  const times = (await readFile(options.logFile, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Number(l.split('\t')[2]) / 1000)
    .sort((a, b) => a - b);
  await rm(options.logFile, { force: true });
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
    failed: Number(failed[1]),
  };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
