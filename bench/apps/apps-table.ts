import { formatFigure, textTable } from '../discovery/text-table.js';
import type { AppFigure } from './app-load.js';
import type { RepeatSummary } from './repeat-summary.js';

/** Every path's summaries for one application, in table order, keyed by figure. */
export interface AppSummary {
  readonly title: string;
  readonly method: string;
  readonly figures: readonly AppFigure[];
  readonly paths: readonly {
    readonly path: string;
    readonly runs: number;
    readonly summary: Readonly<Record<string, RepeatSummary>>;
    readonly failures: readonly string[];
  }[];
}

/** Ratios of medians of one path's figure to the same figure of `direct` and of `stunnel`. */
export interface PathRatios {
  readonly vsDirect: Record<string, number>;
  readonly vsStunnel: Record<string, number>;
}

/** Ratio of each path's median to the baselines' medians, per figure. */
export function ratiosOf(app: AppSummary): Record<string, PathRatios> {
  const median = (path: string, key: string): number =>
    app.paths.find((p) => p.path === path)?.summary[key]?.median ?? Number.NaN;
  const ratios: Record<string, PathRatios> = {};
  for (const { path } of app.paths) {
    const vsDirect: Record<string, number> = {};
    const vsStunnel: Record<string, number> = {};
    for (const { key } of app.figures) {
      vsDirect[key] = median(path, key) / median('direct', key);
      vsStunnel[key] = median(path, key) / median('stunnel', key);
    }
    ratios[path] = { vsDirect, vsStunnel };
  }
  return ratios;
}

const COST_FIGURES = [
  { key: 'pathCpuUsPerOp', label: 'CPU us/op' },
  { key: 'pathSyscallsPerOp', label: 'syscalls/op' },
  { key: 'pathWaitUsPerOp', label: 'run-queue wait us/op (sum of threads)' },
] as const;

/** The figures table (median and min–max per path) followed by the ratios of medians. */
export function appsTable(app: AppSummary): string {
  const runs = Math.max(...app.paths.map((p) => p.runs));
  const figureRows = app.paths.map(({ path, summary, failures }) => [
    path,
    ...app.figures.map(({ key }) => {
      const s = summary[key];
      return s === undefined
        ? failures.length > 0
          ? 'failed'
          : '-'
        : `${formatFigure(s.median)} (${formatFigure(s.min)}-${formatFigure(s.max)})`;
    }),
  ]);
  const ratios = ratiosOf(app);
  const ratioHeader = [
    'ratio of medians',
    ...app.figures.flatMap((f) => [`${f.label} x direct`, `${f.label} x stunnel`]),
  ];
  const ratioRows = app.paths
    .filter((p) => p.path !== 'direct')
    .map(({ path }) => [
      path,
      ...app.figures.flatMap(({ key }) => [
        formatRatio(ratios[path]?.vsDirect[key]),
        path === 'stunnel' ? '' : formatRatio(ratios[path]?.vsStunnel[key]),
      ]),
    ]);
  const costRows = app.paths
    .filter((p) => p.summary['pathCpuUsPerOp'] !== undefined)
    .map(({ path, summary }) => [
      path,
      ...COST_FIGURES.flatMap(({ key }) => {
        const s = summary[key];
        const stunnel = app.paths.find((p) => p.path === 'stunnel')?.summary[key]?.median;
        return [
          s === undefined
            ? '-'
            : `${formatFigure(s.median)} (${formatFigure(s.min)}-${formatFigure(s.max)})`,
          path === 'stunnel' || s === undefined || stunnel === undefined
            ? ''
            : formatRatio(s.median / stunnel),
        ];
      }),
    ]);
  const costTable =
    costRows.length === 0
      ? []
      : [
          textTable('', [
            [
              'cost in the path per operation',
              ...COST_FIGURES.flatMap((f) => [f.label, 'x stunnel']),
            ],
            ...costRows,
          ]).replace(/^== \n/, ''),
        ];
  const failures = app.paths.flatMap((p) => p.failures.map((f) => `  ${p.path} failed: ${f}`));
  return [
    textTable(`${app.title}: ${runs} runs per path, median (min-max)`, [
      ['path', ...app.figures.map((f) => f.label)],
      ...figureRows,
    ]),
    textTable('', [ratioHeader, ...ratioRows]).replace(/^== \n/, ''),
    ...costTable,
    `  ${app.method}; for latencies a ratio above 1 is slower`,
    "  cost: CPU time (user+system), read/write system calls and time runnable but waiting for a core, of the path's processes (stunnel pair, both routers), per transaction or request",
    ...failures,
  ].join('\n');
}

function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`;
}
