import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import {
  LIST_PRICES,
  analyzeFlowLogs,
  parseSubnetMap,
  type FlowLogReport,
  type SubnetZone,
} from '../../cost/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { emit, outputFormat, table } from '../output.js';
import { runAction } from '../run-action.js';

interface FlowlogsOptions {
  subnets?: string;
  prices: string;
  pricePerGb?: string;
  top: string;
  output: string;
}

/** `causeway cost flowlogs FILE…`: the top cross-zone talkers of AWS VPC Flow Logs. */
export function flowlogsCommand(): Command {
  return new Command('flowlogs')
    .description('top cross-zone talkers of AWS VPC Flow Logs, with GiB and estimated dollars')
    .argument('<files...>', 'flow-log files as S3 delivers them (plain or .gz, header line first)')
    .option(
      '--subnets <file>',
      'subnet→zone map: one "cidr,zone" a line, e.g. 10.0.1.0/24,use1-az1',
    )
    .option(
      '--prices <table>',
      'aws (a byte between zones billed $0.01/GiB on both sides) or gcp',
      'aws',
    )
    .option('--price-per-gb <dollars>', "a cross-zone GiB's price instead of the table's")
    .option('--top <n>', 'talkers to list', '20')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Formats: the default (version 2) and custom formats; each file's header line names its fields.
An address's zone comes from --subnets, or from the az-id its own interface logged (a custom
format with az-id and flow-direction needs no map). With flow-direction each byte is counted
once, at its sender's interface; without it both ends' records count. REJECT and NODATA records
are counted apart, lines that do not fit the header are skipped and counted.

Examples:
  causeway cost flowlogs logs/*.log.gz --subnets subnets.csv
  causeway cost flowlogs eni-*.log --top 50 --output json`,
    )
    .action(
      runAction(async (files: string[], opts: FlowlogsOptions) => {
        const format = outputFormat(opts.output);
        const table = priceTable(opts.prices);
        const perGb =
          opts.pricePerGb === undefined
            ? table.crossZone.outPerGb + table.crossZone.inPerGb
            : pricePerGb(opts.pricePerGb);
        const report = await analyzeFlowLogs({
          files,
          subnets: await subnets(opts.subnets),
          perGb,
          prices: {
            name: opts.pricePerGb === undefined ? table.name : '--price-per-gb',
            source: opts.pricePerGb === undefined ? table.source : 'command line',
          },
          top: count(opts.top),
        });
        emit(format, report, () => renderFlowLogs(report));
      }),
    );
}

function priceTable(name: string): (typeof LIST_PRICES)['aws' | 'gcp'] {
  if (name === 'aws' || name === 'gcp') return LIST_PRICES[name];
  throw new CausewayError(ErrorCode.InputInvalid, `--prices: "${name}" is not a price table`, {
    hint: 'use --prices aws or --prices gcp, or give --price-per-gb 0.02',
  });
}

function pricePerGb(value: string): number {
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 100) return n;
  throw new CausewayError(ErrorCode.InputInvalid, `--price-per-gb: "${value}" is not a price`, {
    hint: 'dollars per GiB from 0 to 100, e.g. --price-per-gb 0.02',
  });
}

function count(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= 10_000) return n;
  throw new CausewayError(ErrorCode.InputInvalid, `--top: "${value}" is not a row count`, {
    hint: 'use a whole number from 1 to 10000, e.g. --top 50',
  });
}

async function subnets(file: string | undefined): Promise<SubnetZone[]> {
  if (file === undefined) return [];
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new CausewayError(ErrorCode.InputInvalid, `--subnets: ${file} cannot be read`, {
      cause: err,
      hint: 'give a file of "cidr,zone" lines, e.g. 10.0.1.0/24,use1-az1',
    });
  });
  return parseSubnetMap(text, file);
}

const gib = (gb: number): string =>
  gb === 0 ? '0' : gb < 0.001 ? gb.toPrecision(3) : gb.toFixed(gb < 10 ? 3 : 1);
const usd = (d: number): string => `$${d.toFixed(2)}`;

/** The text form of `cost flowlogs`. */
export function renderFlowLogs(r: FlowLogReport): string {
  const { records, bytes } = r;
  return [
    `${r.files} file(s), ${records.read} records: ${records.counted} counted, ${records.rejected} rejected, ${records.noData} without data, ${records.duplicates} duplicate ingress, ${records.malformed} malformed lines skipped`,
    `${gib(bytes.crossZone / 1024 ** 3)} GiB crossed zones (${usd((bytes.crossZone / 1024 ** 3) * r.prices.perGb)} at $${r.prices.perGb}/GiB, ${r.prices.name}); ${gib(bytes.sameZone / 1024 ** 3)} GiB stayed in zone; ${gib(bytes.unmapped / 1024 ** 3)} GiB unmapped`,
    '',
    'ZONE PAIRS',
    r.zonePairs.length === 0
      ? '  (no cross-zone bytes)'
      : table(
          ['FROM', 'TO', 'GIB', 'COST'],
          r.zonePairs.map((p) => [p.srcZone, p.dstZone, gib(p.gb), usd(p.dollars)]),
        ),
    '',
    'TOP TALKERS',
    r.talkers.length === 0
      ? '  (none)'
      : table(
          ['SOURCE', 'DESTINATION', 'FROM', 'TO', 'GIB', 'COST'],
          r.talkers.map((t) => [t.src, t.dst, t.srcZone, t.dstZone, gib(t.gb), usd(t.dollars)]),
        ),
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
