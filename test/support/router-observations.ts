import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RouterProcess } from '../../src/demo/index.js';

/** The value of one Prometheus sample (`name{labels} value`), 0 when the series does not exist yet. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Every labelled sample of `name`, keyed by the raw label text, e.g. `reason="handshake"`. */
export function metricSeries(text: string, name: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = line.match(new RegExp(`^${name}\\{(.*)\\} (\\S+)$`));
    if (match?.[1] !== undefined && match[2] !== undefined) series.set(match[1], Number(match[2]));
  }
  return series;
}

/** Polls the router's /metrics until `predicate` holds on the text; returns it (or throws with it). */
export async function waitForMetrics(
  router: RouterProcess,
  predicate: (text: string) => boolean,
  timeoutMs = 5_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await router.api.metrics();
    if (predicate(text)) return text;
    await sleep(25);
  }
  const relevant = text
    .split('\n')
    .filter((l) => l.startsWith('causeway_') && !l.startsWith('causeway_process_'));
  throw new Error(
    `metrics condition not met within ${timeoutMs} ms; metrics:\n${relevant.join('\n')}`,
  );
}

export type LogLine = { msg: string; level: number; [field: string]: unknown };

/** The router's JSON log lines (`<site dir>/router.log`); non-JSON lines are skipped. */
export async function routerLog(siteDir: string): Promise<LogLine[]> {
  const text = await readFile(join(siteDir, 'router.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** Polls the router log until at least `count` lines match. */
export async function waitForLogLines(
  siteDir: string,
  match: (line: LogLine) => boolean,
  count: number,
  timeoutMs = 5_000,
): Promise<LogLine[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: LogLine[] = [];
  while (Date.now() < deadline) {
    lines = (await routerLog(siteDir)).filter(match);
    if (lines.length >= count) return lines;
    await sleep(25);
  }
  throw new Error(
    `expected ${count} matching log lines in ${siteDir}/router.log within ${timeoutMs} ms, found ${lines.length}`,
  );
}
