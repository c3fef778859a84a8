import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every line names the site so merged logs stay readable. */
export function createLogger(
  site: string,
  level = process.env['CAUSEWAY_LOG_LEVEL'] ?? 'info',
): Logger {
  return pino({ level, base: { site }, timestamp: pino.stdTimeFunctions.isoTime });
}
