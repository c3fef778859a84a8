import type { OpRecord } from './ledger-store.js';

/** How one operation ended for the client that sent it. */
export interface ClientOp {
  id: string;
  account: string;
  amount: number;
  outcome: 'acked' | 'declined' | 'unresolved';
  attempts: number;
  /** 503 answers of the router (CW_WRITER_UNREACHABLE): never forwarded, certainly not applied. */
  refused: number;
  /** Answers that leave the outcome unknown (store unavailable, 502, 504, connection errors). */
  ambiguous: number;
  /** 409: the ledger refused a deposed holder's token. */
  stale: number;
  startedAt: number;
  endedAt: number;
}

export interface ClientRead {
  at: number;
  status: number;
  region: string | null;
}

/** What one region's workload client saw, plus its ledger's journal. */
export interface ClientReport {
  region: string;
  ops: ClientOp[];
  reads: ClientRead[];
  refusalReasons: Record<string, number>;
  journal: OpRecord[];
}

/** The ledger store after the run: every operation record, balances, the fence. */
export interface StoreDump {
  ops: OpRecord[];
  balances: Record<string, number>;
  fence: number;
}

/** A span during which `region` was cut off from the others. */
export interface CutWindow {
  region: string;
  from: number;
  to: number;
}

export interface LedgerAudit {
  ops: number;
  acked: number;
  declined: number;
  unresolved: number;
  /** Acknowledged operations missing from the store: must be 0. */
  lost: number;
  /** Router 503 answers (writes refused without being forwarded). */
  refused503: number;
  refusalReasons: Record<string, number>;
  ambiguousAnswers: number;
  staleTokenAnswers: number;
  /** Distinct fencing tokens that wrote, i.e. writer terms seen. */
  terms: number;
  reads: number;
  readsDuringCuts: number;
  violations: string[];
}

/**
 * Checks a split-brain run: every acknowledged write applied exactly once, no operation applied
 * by two regions, one region per fencing token and the holder the router named is the region
 * that wrote, balances equal to the sum of applied operations and of acknowledged ones, and
 * every read answered by the reader's own region (during cuts too).
 */
export function auditLedger(
  reports: readonly ClientReport[],
  dump: StoreDump,
  cuts: readonly CutWindow[],
): LedgerAudit {
  const violations: string[] = [];
  const stored = new Map(dump.ops.map((op) => [op.id, op]));
  const ops = reports.flatMap((r) => r.ops);
  checkClientOps(ops, stored, violations);
  checkJournals(reports, stored, violations);
  const terms = checkTerms(dump.ops, violations);
  checkBalances(dump, ops, violations);
  const reads = reports.flatMap((r) => r.reads.map((read) => ({ ...read, reader: r.region })));
  for (const read of reads) {
    if (read.status !== 200 || read.region !== read.reader)
      violations.push(
        `read at ${read.at} in ${read.reader}: status ${read.status} from ${read.region ?? 'nowhere'}`,
      );
  }
  const refusalReasons: Record<string, number> = {};
  for (const r of reports)
    for (const [reason, n] of Object.entries(r.refusalReasons))
      refusalReasons[reason] = (refusalReasons[reason] ?? 0) + n;
  return {
    ops: ops.length,
    acked: ops.filter((o) => o.outcome === 'acked').length,
    declined: ops.filter((o) => o.outcome === 'declined').length,
    unresolved: ops.filter((o) => o.outcome === 'unresolved').length,
    lost: ops.filter((o) => o.outcome === 'acked' && stored.get(o.id)?.applied !== true).length,
    refused503: ops.reduce((n, o) => n + o.refused, 0),
    refusalReasons,
    ambiguousAnswers: ops.reduce((n, o) => n + o.ambiguous, 0),
    staleTokenAnswers: ops.reduce((n, o) => n + o.stale, 0),
    terms,
    reads: reads.length,
    readsDuringCuts: reads.filter((read) =>
      cuts.some((c) => c.region === read.reader && read.at >= c.from && read.at < c.to),
    ).length,
    violations,
  };
}

function checkClientOps(
  ops: readonly ClientOp[],
  stored: ReadonlyMap<string, OpRecord>,
  violations: string[],
): void {
  for (const op of ops) {
    const record = stored.get(op.id);
    if (op.outcome === 'acked' && record?.applied !== true)
      violations.push(`${op.id} was acknowledged but is not applied`);
    if (op.outcome === 'declined' && record?.applied !== false)
      violations.push(`${op.id} was declined but the store says ${JSON.stringify(record)}`);
    if (record !== undefined && (record.account !== op.account || record.amount !== op.amount))
      violations.push(
        `${op.id} stored as ${record.account} ${record.amount}, sent as ${op.account} ${op.amount}`,
      );
    // Only router refusals were answered: the write never left the client's site.
    if (op.outcome === 'unresolved' && op.ambiguous === 0 && op.stale === 0 && record !== undefined)
      violations.push(`${op.id} was only ever refused, yet it is stored`);
  }
}

/** No operation in two regions' journals, and each journal entry is the stored record. */
function checkJournals(
  reports: readonly ClientReport[],
  stored: ReadonlyMap<string, OpRecord>,
  violations: string[],
): void {
  const appliedBy = new Map<string, string>();
  for (const report of reports) {
    for (const entry of report.journal) {
      const other = appliedBy.get(entry.id);
      if (other !== undefined)
        violations.push(`${entry.id} applied by ${other} and by ${report.region}`);
      appliedBy.set(entry.id, report.region);
      const record = stored.get(entry.id);
      if (
        record === undefined ||
        record.region !== entry.region ||
        record.fencingToken !== entry.fencingToken
      )
        violations.push(`${entry.id} journaled by ${report.region} differs from the store`);
    }
  }
}

/** One writing region per fencing token, and it is the holder the router named. Returns the number of terms. */
function checkTerms(records: readonly OpRecord[], violations: string[]): number {
  const regionOf = new Map<number, string>();
  for (const record of records) {
    if (record.holder !== record.region)
      violations.push(
        `${record.id} routed to holder ${record.holder} but written by ${record.region}`,
      );
    const region = regionOf.get(record.fencingToken);
    if (region !== undefined && region !== record.region)
      violations.push(`token ${record.fencingToken} wrote in ${region} and in ${record.region}`);
    regionOf.set(record.fencingToken, record.region);
  }
  return regionOf.size;
}

function checkBalances(dump: StoreDump, ops: readonly ClientOp[], violations: string[]): void {
  const fromStore = sumByAccount(dump.ops.filter((r) => r.applied));
  const fromAcks = sumByAccount(ops.filter((o) => o.outcome === 'acked'));
  for (const account of new Set([
    ...Object.keys(dump.balances),
    ...fromStore.keys(),
    ...fromAcks.keys(),
  ])) {
    const balance = dump.balances[account] ?? 0;
    if (balance !== (fromStore.get(account) ?? 0))
      violations.push(
        `${account}: balance ${balance}, applied operations sum to ${fromStore.get(account) ?? 0}`,
      );
    if (balance !== (fromAcks.get(account) ?? 0))
      violations.push(
        `${account}: balance ${balance}, acknowledged operations sum to ${fromAcks.get(account) ?? 0}`,
      );
    if (balance < 0) violations.push(`${account}: negative balance ${balance}`);
  }
}

function sumByAccount(
  items: ReadonlyArray<{ account: string; amount: number }>,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(item.account, (sums.get(item.account) ?? 0) + item.amount);
  return sums;
}
