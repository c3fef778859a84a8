/** What one run's per-transaction logs (`pgbench -l`) hold. */
export interface PgbenchLog {
  /** Latency of every completed transaction, in microseconds, in file order. */
  readonly latenciesUs: number[];
  /** Transactions logged as `failed` (serialization or deadlock errors) or `skipped` (rate limit). */
  readonly notCompleted: number;
  /** Lines that are not a transaction record at all (a file cut short, say). */
  readonly malformed: number;
}

/**
 * Reads pgbench's per-transaction log lines, `client_id transaction_no time script_no time_epoch
 * time_us [schedule_lag] [retries]`, where `time` is the latency in µs or the word `failed` or
 * `skipped` (PostgreSQL 15 "Per-Transaction Logging"). Never throws: odd lines are counted.
 */
export function parsePgbenchLog(text: string): PgbenchLog {
  const latenciesUs: number[] = [];
  let notCompleted = 0;
  let malformed = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const fields = trimmed.split(/\s+/);
    const time = fields[2];
    if (fields.length < 6 || time === undefined || !fields.slice(0, 2).every(isCount)) malformed++;
    else if (time === 'failed' || time === 'skipped') notCompleted++;
    else if (isCount(time)) latenciesUs.push(Number(time));
    else malformed++;
  }
  return { latenciesUs, notCompleted, malformed };
}

function isCount(field: string): boolean {
  return /^\d{1,15}$/.test(field);
}

/** The figures of pgbench's closing summary on stdout; a line it did not print stays undefined. */
export interface PgbenchSummary {
  readonly tps: number | undefined;
  readonly latencyAverageMs: number | undefined;
  readonly transactions: number | undefined;
  readonly failedTransactions: number | undefined;
}

/** Reads `tps = … (without initial connection time)`, `latency average = … ms` and the counts. */
export function parsePgbenchSummary(stdout: string): PgbenchSummary {
  return {
    tps: numberAfter(stdout, /^tps = ([\d.]+) \(without initial connection time\)$/m),
    latencyAverageMs: numberAfter(stdout, /^latency average = ([\d.]+) ms$/m),
    transactions: numberAfter(stdout, /^number of transactions actually processed: (\d+)/m),
    failedTransactions: numberAfter(stdout, /^number of failed transactions: (\d+)/m),
  };
}

function numberAfter(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  if (match?.[1] === undefined) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}
