import { Command } from 'commander';
import { ApiClient, type CostGrouping, type CostReport } from '../../api/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { sitePaths } from '../../site-files/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';
import { flowlogsCommand } from './cost-flowlogs-command.js';

/**
 * `causeway cost`: `report` (the default, so `causeway cost --since 1d` works) reads the running
 * router's transfer costs; `flowlogs` reads cloud flow logs. The parent has no options of its own,
 * so each subcommand's `--output` and `--top` stay its own.
 */
export function costCommand(): Command {
  return new Command('cost')
    .description(
      'what crosses zones and regions and what it costs: Causeway flows by service or zone pair, locality savings, cloud flow logs',
    )
    .addCommand(reportCommand(), { isDefault: true })
    .addCommand(flowlogsCommand());
}

function reportCommand(): Command {
  return new Command('report')
    .description(
      "what this site's clients sent across zones and regions through Causeway, what it cost, and what locality routing saved (the default)",
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--since <duration>', 'window to sum, up to 24h, e.g. 15m, 1h, 1d', '1h')
    .option(
      '--by <grouping>',
      'service (one row per service) or pair (one row per zone pair)',
      'service',
    )
    .option('--top <n>', 'rows to print (text output)', '10')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Each flow is counted once, at the site of its client: bytes each way, priced from sender to
receiver with the site's price table (site.yaml \`cost:\`; default AWS list prices, where a byte
between zones is billed $0.01/GiB on both sides). Prometheus has the same figures as
causeway_transfer_bytes_total and causeway_transfer_cost_dollars_total.

Savings compare each flow with round-robin over the service's exporting sites: the bytes kept in
the client's zone that would have left it, and the dollars.

Examples:
  causeway cost --dir ./eu
  causeway cost --dir ./eu --since 1d --by pair --output json
  causeway cost flowlogs vpc-flow-logs/*.log.gz --subnets subnets.csv`,
    )
    .action(
      runAction(
        async (opts: { dir?: string; since: string; by: string; top: string; output: string }) => {
          const format = outputFormat(opts.output);
          const by = grouping(opts.by);
          const sinceMs = parseDuration(opts.since);
          const top = topRows(opts.top);
          const report = await new ApiClient(sitePaths(siteDir(opts.dir))).cost(by, sinceMs);
          emit(format, report, () => renderCost(report, top));
        },
      ),
    );
}

function grouping(value: string): CostGrouping {
  if (value === 'service' || value === 'pair') return value;
  throw new CausewayError(ErrorCode.InputInvalid, `--by: "${value}" is not a grouping`, {
    hint: 'use --by service or --by pair',
  });
}

function topRows(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= 10_000) return n;
  throw new CausewayError(ErrorCode.InputInvalid, `--top: "${value}" is not a row count`, {
    hint: 'use a whole number from 1 to 10000, e.g. --top 20',
  });
}

/** Bytes as people read them on a bill (GiB, the unit clouds price). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(2)} ${units[unit]}`;
}

export function formatDollars(dollars: number): string {
  return `$${dollars < 0.01 && dollars > 0 ? dollars.toPrecision(2) : dollars.toFixed(2)}`;
}

/** The text form of `cost`. */
export function renderCost(r: CostReport, top: number): string {
  const rows = r.rows
    .slice(0, top)
    .map((row) => [
      ...(r.by === 'service'
        ? [`${row.service ?? ''}.${row.namespace ?? ''}`]
        : [
            `${row.from?.zone ?? ''} (${row.from?.region ?? ''})`,
            `${row.to?.zone ?? ''} (${row.to?.region ?? ''})`,
          ]),
      formatBytes(row.bytes),
      formatBytes(row.crossZoneBytes),
      formatBytes(row.crossRegionBytes),
      formatDollars(row.dollars),
    ]);
  const headers = [
    ...(r.by === 'service' ? ['SERVICE'] : ['FROM', 'TO']),
    'BYTES',
    'CROSS-ZONE',
    'CROSS-REGION',
    'COST',
  ];
  const { locality, total } = r;
  return [
    `site ${r.site}: transfers from ${r.since} to ${r.until}; prices ${r.prices.name} (${r.prices.source}, ${r.prices.asOf})`,
    '',
    rows.length === 0
      ? '  (no flows from clients of this site in that window)'
      : table(headers, rows),
    '',
    `total ${formatBytes(total.bytes)}, ${formatBytes(total.crossZoneBytes)} left their zone (${formatBytes(total.crossRegionBytes)} their region): ${formatDollars(total.dollars)}`,
    `locality: ${formatBytes(locality.keptInZoneBytes)} kept in zone that round-robin would have sent out; round-robin would have cost ${formatDollars(locality.roundRobinDollars)}, saved ${formatDollars(locality.savedDollars)}`,
  ].join('\n');
}
