import type { Workload, WorkloadResult } from './workloads/index.js';

/** What one path produced for one workload: figures, or the reason it has none. */
export type PathOutcome =
  | { readonly type: 'measured'; readonly path: string; readonly result: WorkloadResult }
  | { readonly type: 'failed'; readonly path: string; readonly error: string };

const BASELINE = 'stunnel';
const FLOOR = 'direct';

/** Renders one workload's table: its figures per path, the ratio to stunnel, and added over direct. */
export function reportTable(workload: Workload, outcomes: readonly PathOutcome[]): string {
  const header = [
    'path',
    ...workload.columns.map((c) => c.label),
    'x stunnel',
    ...workload.addedOverDirect.map((k) => `+${labelOf(workload, k)} vs direct`),
  ];
  const baseline = figure(outcomes, BASELINE, workload.headline);
  const rows = outcomes.map((outcome) => {
    if (outcome.type === 'failed') return [outcome.path, ...header.slice(1).map(() => 'failed')];
    const figures = outcome.result.figures;
    const ratio = (figures[workload.headline] ?? Number.NaN) / baseline;
    const added = workload.addedOverDirect.map((k) =>
      formatNumber((figures[k] ?? Number.NaN) - figure(outcomes, FLOOR, k)),
    );
    return [
      outcome.path,
      ...workload.columns.map((c) => formatNumber(figures[c.key] ?? Number.NaN)),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-',
      ...added,
    ];
  });
  const notes = outcomes.flatMap((o) =>
    o.type === 'measured'
      ? o.result.notes.map((n) => `  note (${o.path}): ${n}`)
      : [`  ${o.path} failed: ${o.error.trim()}`],
  );
  return [`== ${workload.name}`, ...alignColumns([header, ...rows]), ...notes].join('\n');
}

function labelOf(workload: Workload, key: string): string {
  return workload.columns.find((c) => c.key === key)?.label ?? key;
}

function figure(outcomes: readonly PathOutcome[], path: string, key: string): number {
  const outcome = outcomes.find((o) => o.path === path);
  return outcome?.type === 'measured' ? (outcome.result.figures[key] ?? Number.NaN) : Number.NaN;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  '),
  );
}
