// `npm run bench:flowlogs`: `causeway cost flowlogs` (DuckDB) on generated VPC Flow Logs records
// (default version-2 format, plain text), beside mawk doing the same aggregation (cross-zone bytes
// per address pair through a /24 subnet map), in the same run: wall time and peak memory of each
// process (GNU time), and whether they agree on the cross-zone total.
// Usage: node dist/bench/cost/flowlogs-bench.js [--records 10000000]
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FLOW_LOG_FORMAT } from '../../src/cost/index.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '10000000' } } });
const ZONES = ['use1-az1', 'use1-az2', 'use1-az4'];
const HOSTS = 200;

/** A deterministic stream of records: 3 subnets, 200 hosts each, a REJECT in 50, a NODATA in 200. */
async function generate(file: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const addr = (): string => `10.0.${next(ZONES.length) + 1}.${next(HOSTS) + 10}`;
  out.write(`${DEFAULT_FLOW_LOG_FORMAT.join(' ')}\n`);
  let chunk = '';
  for (let i = 0; i < records; i += 1) {
    const bytes = next(1_000_000) + 40;
    const r = next(200);
    chunk +=
      r === 0
        ? `2 123456789012 eni-${next(600)} - - - - - - - 1700000000 1700000060 - NODATA\n`
        : `2 123456789012 eni-${next(600)} ${addr()} ${addr()} ${next(65535)} 443 6 ${next(900) + 1} ${bytes} 1700000000 1700000060 ${r < 5 ? 'REJECT' : 'ACCEPT'} OK\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r2) => out.once('drain', () => r2()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
}

/** The same aggregation in mawk: zone by /24 prefix, ACCEPT records only, cross-zone bytes per pair. */
const AWK = `
NR == FNR { split($0, f, ","); if (f[1] != "cidr") { sub(/\\.0\\/24$/, "", f[1]); zone[f[1]] = f[2] } next }
FNR == 1 || NF != 14 || $13 != "ACCEPT" || $10 !~ /^[0-9]+$/ { next }
{
  s = $4; sub(/\\.[0-9]+$/, "", s); d = $5; sub(/\\.[0-9]+$/, "", d)
  if ((s in zone) && (d in zone) && zone[s] != zone[d]) { pair[$4 " " $5] += $10; total += $10 }
}
END { for (p in pair) print pair[p], p; printf "TOTAL %.0f\\n", total }`;

interface Run {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under GNU time: wall seconds and peak resident memory. */
function timed(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /TIME (\S+) (\d+)/.exec(stderr);
      if (code !== 0 || m === null) reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, stdout });
    });
  });
}

async function main(): Promise<void> {
  const records = Number(values.records);
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  process.stdout.write(`load average at start: ${load()}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'causeway-flowlogs-bench-'));
  try {
    const file = join(dir, 'flows.log');
    const map = join(dir, 'subnets.csv');
    await writeFile(
      map,
      `cidr,zone\n${ZONES.map((z, i) => `10.0.${i + 1}.0/24,${z}`).join('\n')}\n`,
    );
    const t0 = Date.now();
    await generate(file, records);
    const size = (await stat(file)).size;
    process.stdout.write(
      `generated ${records} records (${(size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const cli = join(import.meta.dirname, '../../src/cli/main.js');
    const duck = await timed(process.execPath, [
      ...[cli, 'cost', 'flowlogs', file, '--subnets', map, '--output', 'json'],
    ]);
    const awk = await timed('mawk', [AWK, map, file]);
    const report = JSON.parse(duck.stdout) as {
      bytes: { crossZone: number };
      records: { read: number };
    };
    const awkTotal = Number(/TOTAL (\d+)/.exec(awk.stdout)?.[1] ?? Number.NaN);
    const rows = [
      ['causeway cost flowlogs (DuckDB)', duck],
      ['mawk, same aggregation', awk],
    ] as const;
    process.stdout.write(
      `\n${'tool'.padEnd(34)}${'seconds'.padStart(9)}${'records/s'.padStart(13)}${'peak MB'.padStart(10)}\n`,
    );
    for (const [name, run] of rows)
      process.stdout.write(
        `${name.padEnd(34)}${run.seconds.toFixed(1).padStart(9)}${Math.round(records / run.seconds)
          .toString()
          .padStart(13)}${run.maxRssMb.toFixed(0).padStart(10)}\n`,
      );
    process.stdout.write(
      `\ncross-zone bytes: DuckDB ${report.bytes.crossZone}, mawk ${awkTotal} (${report.bytes.crossZone === awkTotal ? 'agree' : 'DISAGREE'}); DuckDB read ${report.records.read} records\n`,
    );
    process.stdout.write(`load average at end: ${load()}\n`);
    if (report.bytes.crossZone !== awkTotal) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
