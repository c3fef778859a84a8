import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One pino line of a router's log, as far as the failover figures need it. */
export interface LogEntry {
  readonly at: number;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The entries of `<dir>/router.log` with message `msg`, logged within [from, to]. */
export async function logEntries(
  dir: string,
  msg: string,
  from: number,
  to: number,
): Promise<LogEntry[]> {
  const text = await readFile(join(dir, 'router.log'), 'utf8').catch(() => '');
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(msg)) continue;
    try {
      const fields = JSON.parse(line) as { time?: string | number; msg?: string };
      const at = typeof fields.time === 'number' ? fields.time : Date.parse(fields.time ?? '');
      if (fields.msg === msg && at >= from && at <= to) out.push({ at, msg, fields });
    } catch {
      // a line cut short by SIGKILL
    }
  }
  return out;
}
