import type { ServerRun } from './measure-server.js';

/**
 * The bench table: q/s, lost share, mean latency, the server's CPU use, what others took from its core,
 * queries per CPU-second, and the ratio of both rates to `baseline`'s.
 */
export function dnsQpsTable(runs: readonly ServerRun[], baseline: string): string {
  const base = runs.find((r) => r.server === baseline);
  const ratio = (value: number, of: number | undefined): string =>
    of === undefined || !(of > 0) ? '-' : `${(value / of).toFixed(2)}x`;
  const header = [
    'server',
    'queries/s',
    'lost %',
    'avg lat ms',
    'server cpu %',
    'others on core %',
    'q/cpu-s',
    `q/s x ${baseline}`,
    `q/cpu-s x ${baseline}`,
    'rcodes',
  ];
  const rows = runs.map((run) => [
    run.server,
    run.stats.qps.toFixed(0),
    run.stats.lostPercent.toFixed(2),
    run.stats.avgLatencyMs.toFixed(3),
    ((100 * run.serverCpuSeconds) / run.wallSeconds).toFixed(0),
    ((100 * run.othersOnCoreSeconds) / run.wallSeconds).toFixed(0),
    run.queriesPerCpuSecond.toFixed(0),
    ratio(run.stats.qps, base?.stats.qps),
    ratio(run.queriesPerCpuSecond, base?.queriesPerCpuSecond),
    rcodeShares(run),
  ]);
  return alignColumns([header, ...rows]);
}

function rcodeShares(run: ServerRun): string {
  const total = Math.max(1, run.stats.completed);
  return Object.entries(run.stats.rcodes)
    .map(([rcode, n]) => `${rcode} ${((100 * n) / total).toFixed(0)}%`)
    .join(' ');
}

/** Left-aligns the first and last (text) columns, right-aligns the figures between. */
function alignColumns(table: readonly (readonly string[])[]): string {
  const width = (i: number): number => Math.max(...table.map((row) => (row[i] ?? '').length));
  const cell = (text: string, i: number, last: number): string =>
    i === 0 || i === last ? text.padEnd(width(i)) : text.padStart(width(i));
  return table
    .map((row) =>
      row
        .map((text, i) => cell(text, i, row.length - 1))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
