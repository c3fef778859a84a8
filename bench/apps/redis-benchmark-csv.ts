/** One test's line of `redis-benchmark --csv` (redis 7): requests/s and latency percentiles in ms. */
export interface RedisBenchmarkFigures {
  readonly rps: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const COLUMNS = {
  rps: 'rps',
  avgMs: 'avg_latency_ms',
  p50Ms: 'p50_latency_ms',
  p99Ms: 'p99_latency_ms',
  maxMs: 'max_latency_ms',
} as const;

/**
 * Parses `redis-benchmark --csv` output: a header row naming the columns, then one row per test
 * (`"SET","51282.05",…`). Columns are found by name, so a reordering does not break it. A row that
 * lacks a column or has a non-number is left out rather than guessed; never throws.
 */
export function parseRedisBenchmarkCsv(text: string): Map<string, RedisBenchmarkFigures> {
  const rows = text
    .split('\n')
    .map((line) => splitCsvRow(line.trim()))
    .filter((row): row is string[] => row !== undefined && row.length > 0);
  const result = new Map<string, RedisBenchmarkFigures>();
  const header = rows.find((row) => row[0] === 'test');
  if (header === undefined) return result;
  const index = Object.fromEntries(
    Object.entries(COLUMNS).map(([key, name]) => [key, header.indexOf(name)]),
  ) as Record<keyof typeof COLUMNS, number>;
  for (const row of rows) {
    const test = row[0];
    if (row === header || test === undefined || test === '') continue;
    const figures = readFigures(row, index);
    if (figures !== undefined) result.set(test, figures);
  }
  return result;
}

function readFigures(
  row: readonly string[],
  index: Record<keyof typeof COLUMNS, number>,
): RedisBenchmarkFigures | undefined {
  const values: Partial<Record<keyof typeof COLUMNS, number>> = {};
  for (const key of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    const cell = row[index[key]];
    if (cell === undefined || !/^\d+(\.\d+)?$/.test(cell)) return undefined;
    values[key] = Number(cell);
  }
  const { rps, avgMs, p50Ms, p99Ms, maxMs } = values;
  if (
    rps === undefined ||
    avgMs === undefined ||
    p50Ms === undefined ||
    p99Ms === undefined ||
    maxMs === undefined
  )
    return undefined;
  return { rps, avgMs, p50Ms, p99Ms, maxMs };
}

/** Splits `"a","b",c` into cells; undefined for a row with an unterminated quote. */
function splitCsvRow(line: string): string[] | undefined {
  const cells: string[] = [];
  let at = 0;
  while (at <= line.length && line !== '') {
    if (line[at] === '"') {
      const close = line.indexOf('"', at + 1);
      if (close === -1) return undefined;
      cells.push(line.slice(at + 1, close));
      at = close + 1;
      if (at < line.length && line[at] !== ',') return undefined;
    } else {
      const comma = line.indexOf(',', at);
      const end = comma === -1 ? line.length : comma;
      cells.push(line.slice(at, end));
      at = end;
    }
    if (at >= line.length) break;
    at++; // past the comma
    if (at === line.length) cells.push('');
  }
  return cells;
}
