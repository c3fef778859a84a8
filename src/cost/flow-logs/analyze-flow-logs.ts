import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { BYTES_PER_GB } from '../price-table.js';
import { parseFlowLogHeader, type FlowLogFormat } from './flow-log-format.js';
import type { FlowLogReport } from './flow-log-report.js';
import { readFirstLine } from './read-first-line.js';
import type { SubnetZone } from './subnet-map.js';

export interface FlowLogQuery {
  files: readonly string[];
  subnets: readonly SubnetZone[];
  /** Dollars per GiB for a byte that leaves its zone, both sides' charges together. */
  perGb: number;
  prices: { name: string; source: string };
  top: number;
  /** DuckDB threads; the machine's cores by default. */
  threads?: number;
}

interface FileGroup {
  header: string;
  format: FlowLogFormat;
  gzip: boolean;
  files: string[];
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const column = (name: string): string => `"${name}"`;

/**
 * Cross-zone talkers of VPC Flow Logs, aggregated by DuckDB: one scan of every file folds the
 * records into (addresses, interface, direction, action) groups, and everything else runs on
 * those groups. A zone is the subnet map's for the address, else the `az-id` an interface of
 * that address logged its own records with. Files with the same header are read by one
 * `read_csv`; lines that do not fit the header are skipped and counted, never guessed.
 */
export async function analyzeFlowLogs(query: FlowLogQuery): Promise<FlowLogReport> {
  const groups = await groupByHeader(query.files);
  const instance = await DuckDBInstance.create(':memory:', {
    ...(query.threads === undefined ? {} : { threads: String(query.threads) }),
  });
  const db = await instance.connect();
  try {
    const egressOnly = groups.every((g) => g.format.has('flow-direction'));
    await loadSubnets(db, query.subnets);
    await db.run(`CREATE TEMP TABLE grouped AS ${groupedRecords(groups)}`);
    await db.run(`CREATE TEMP TABLE learned AS
      SELECT if_addr AS addr, any_value(az_id) AS zone FROM grouped
      WHERE if_addr IS NOT NULL AND az_id IS NOT NULL GROUP BY if_addr`);
    await db.run(`CREATE TEMP TABLE pairs AS ${pairs(egressOnly)}`);
    return await report(db, query, groups, egressOnly);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function groupByHeader(files: readonly string[]): Promise<FileGroup[]> {
  const groups = new Map<string, FileGroup>();
  for (const file of files) {
    const first = await readFirstLine(file);
    const format = parseFlowLogHeader(first.line, file);
    const key = `${first.gzip ? 'gz' : 'plain'} ${format.fields.join(' ')}`;
    const group = groups.get(key) ?? { header: key, format, gzip: first.gzip, files: [] };
    group.files.push(file);
    groups.set(key, group);
  }
  return [...groups.values()];
}

async function loadSubnets(db: DuckDBConnection, subnets: readonly SubnetZone[]): Promise<void> {
  await db.run('CREATE TEMP TABLE subnets (first UBIGINT, last UBIGINT, zone VARCHAR)');
  const appender = await db.createAppender('subnets', 'main', 'temp');
  for (const s of subnets) {
    appender.appendUBigInt(BigInt(s.first));
    appender.appendUBigInt(BigInt(s.last));
    appender.appendVarchar(s.zone);
    appender.endRow();
  }
  appender.closeSync();
}

/** One scan of every file, folded to the columns the analysis needs. */
function groupedRecords(groups: readonly FileGroup[]): string {
  const scans = groups.map((g) => {
    const has = (f: Parameters<FlowLogFormat['has']>[0]): boolean => g.format.has(f);
    const types = g.format.fields.map(
      (f) => `${sqlString(f)}: ${f === 'bytes' ? "'BIGINT'" : "'VARCHAR'"}`,
    );
    // The packet's own addresses when logged (they differ from the interface's behind NAT or an overlay).
    const address = (pkt: 'pkt-srcaddr' | 'pkt-dstaddr', own: 'srcaddr' | 'dstaddr'): string =>
      has(pkt) && has(own) ? `coalesce(${column(pkt)}, ${own})` : has(pkt) ? column(pkt) : own;
    const pick = (f: string): string =>
      g.format.fields.includes(f as never) ? column(f) : 'NULL::VARCHAR';
    // The interface's own address: the sender of what it logs as egress, the receiver of ingress.
    const ifAddr =
      has('flow-direction') && has('srcaddr') && has('dstaddr')
        ? `CASE "flow-direction" WHEN 'egress' THEN srcaddr WHEN 'ingress' THEN dstaddr END`
        : 'NULL::VARCHAR';
    return `SELECT ${address('pkt-srcaddr', 'srcaddr')} AS src,
        ${address('pkt-dstaddr', 'dstaddr')} AS dst, ${ifAddr} AS if_addr, ${pick('az-id')} AS az_id,
        ${pick('flow-direction')} AS direction, ${pick('action')} AS action, bytes
      FROM read_csv([${g.files.map(sqlString).join(', ')}], delim = ' ', header = true,
        auto_detect = false, columns = {${types.join(', ')}}, nullstr = '-', quote = '',
        escape = '', ignore_errors = true, store_rejects = true,
        compression = '${g.gzip ? 'gzip' : 'none'}')`;
  });
  return `SELECT src, dst, if_addr, az_id, direction, action, bytes IS NULL AS no_data,
      sum(bytes) AS bytes, count(*) AS records
    FROM (${scans.join('\nUNION ALL BY NAME\n')}) GROUP BY ALL`;
}

/** An IPv4 text as a number in SQL (NULL for anything else, IPv6 included). */
function ipNumber(expr: string): string {
  const octet = (i: number): string => `TRY_CAST(split_part(${expr}, '.', ${i}) AS UBIGINT)`;
  return `CASE WHEN regexp_full_match(${expr}, '\\d{1,3}(\\.\\d{1,3}){3}')
    THEN ${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)} END`;
}

/**
 * Each (src, dst) pair's bytes by kind, with both ends' zones. With flow-direction everywhere,
 * a flow both interfaces logged is counted once, as its sender's egress; ingress counts only
 * when the sender logged nothing (it is outside the logs: another account, the internet).
 */
function pairs(egressOnly: boolean): string {
  const kind = `CASE WHEN g.no_data THEN 'no-data' WHEN g.action = 'REJECT' THEN 'rejected'
    ${egressOnly ? `WHEN g.direction = 'ingress' AND EXISTS (SELECT 1 FROM learned l WHERE l.addr = g.src) THEN 'duplicate'` : ''}
    ELSE 'counted' END`;
  return `WITH kinds AS (SELECT g.src, g.dst, ${kind} AS kind, sum(g.bytes) AS bytes,
        sum(g.records) AS records FROM grouped g GROUP BY ALL),
      ends AS (SELECT DISTINCT src AS addr FROM kinds UNION SELECT DISTINCT dst FROM kinds),
      zones AS (SELECT e.addr, coalesce(any_value(s.zone), any_value(l.zone)) AS zone FROM ends e
        LEFT JOIN subnets s ON ${ipNumber('e.addr')} BETWEEN s.first AND s.last
        LEFT JOIN learned l ON l.addr = e.addr GROUP BY e.addr)
    SELECT k.*, zs.zone AS src_zone, zd.zone AS dst_zone FROM kinds k
      LEFT JOIN zones zs ON zs.addr = k.src LEFT JOIN zones zd ON zd.addr = k.dst`;
}

async function rows(db: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson();
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

async function report(
  db: DuckDBConnection,
  query: FlowLogQuery,
  groups: readonly FileGroup[],
  egressOnly: boolean,
): Promise<FlowLogReport> {
  const cross = `kind = 'counted' AND src_zone IS NOT NULL AND dst_zone IS NOT NULL AND src_zone <> dst_zone`;
  const [totals = {}] = await rows(
    db,
    `SELECT sum(records) AS read,
      sum(records) FILTER (kind = 'counted') AS counted,
      sum(records) FILTER (kind = 'rejected') AS rejected,
      sum(records) FILTER (kind = 'no-data') AS no_data,
      sum(records) FILTER (kind = 'duplicate') AS duplicates,
      sum(bytes) FILTER (kind = 'counted') AS bytes,
      sum(bytes) FILTER (${cross}) AS cross_zone,
      sum(bytes) FILTER (kind = 'counted' AND src_zone = dst_zone) AS same_zone,
      sum(bytes) FILTER (kind = 'counted' AND (src_zone IS NULL OR dst_zone IS NULL)) AS unmapped
    FROM pairs`,
  );
  const [rejects = {}] = await rows(
    db,
    `SELECT count(DISTINCT (s.file_path, e.line)) AS n FROM reject_errors e
      JOIN reject_scans s USING (scan_id, file_id)`,
  ).catch(() => [{ n: 0 }]);
  const money = (bytes: unknown): { bytes: number; gb: number; dollars: number } => {
    const b = num(bytes);
    return { bytes: b, gb: b / BYTES_PER_GB, dollars: (b / BYTES_PER_GB) * query.perGb };
  };
  const zonePairs = await rows(
    db,
    `SELECT src_zone, dst_zone, sum(bytes) AS bytes FROM pairs WHERE ${cross}
      GROUP BY ALL ORDER BY bytes DESC, src_zone, dst_zone`,
  );
  const talkers = await rows(
    db,
    `SELECT src, dst, src_zone, dst_zone, sum(bytes) AS bytes FROM pairs WHERE ${cross}
      GROUP BY ALL ORDER BY bytes DESC, src, dst LIMIT ${query.top}`,
  );
  const unmapped = num(totals.unmapped);
  return {
    files: query.files.length,
    counting: egressOnly ? 'egress' : 'all',
    prices: { ...query.prices, perGb: query.perGb },
    records: {
      read: num(totals.read),
      counted: num(totals.counted),
      rejected: num(totals.rejected),
      noData: num(totals.no_data),
      duplicates: num(totals.duplicates),
      malformed: num(rejects.n),
    },
    bytes: {
      counted: num(totals.bytes),
      crossZone: num(totals.cross_zone),
      sameZone: num(totals.same_zone),
      unmapped,
    },
    zonePairs: zonePairs.map((r) => ({
      srcZone: String(r.src_zone),
      dstZone: String(r.dst_zone),
      ...money(r.bytes),
    })),
    talkers: talkers.map((r) => ({
      src: String(r.src),
      dst: String(r.dst),
      srcZone: String(r.src_zone),
      dstZone: String(r.dst_zone),
      ...money(r.bytes),
    })),
    notes: [
      ...(egressOnly
        ? []
        : [
            'some files have no flow-direction field: every record counts, so a flow logged at both of its interfaces counts twice (add flow-direction to the format to count each byte once)',
          ]),
      ...(unmapped > 0
        ? [
            `${unmapped} bytes have an end in no known zone: add its subnet to --subnets, or az-id and flow-direction to the format`,
          ]
        : []),
      ...(formats(groups) > 1 ? [`${formats(groups)} different record formats read`] : []),
    ],
  };
}

function formats(groups: readonly FileGroup[]): number {
  return new Set(groups.map((g) => g.format.fields.join(' '))).size;
}
