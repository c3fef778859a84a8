import { CausewayError, ErrorCode, ExitCode, errorCodeOf, wireForm } from '../errors/index.js';

export type OutputFormat = 'text' | 'json';

/** Exit codes scripts can rely on (the table lives with the errors). */
export { ExitCode };

/** Validates `--output`. */
export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new CausewayError(ErrorCode.InputInvalid, `--output: "${value}" is not a format`, {
    hint: 'use --output text or --output json',
  });
}

/** Prints a result: JSON as-is for scripts, or the text rendering for people. */
export function emit(format: OutputFormat, data: unknown, text: () => string): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/** Renders rows as an aligned table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The one place CLI errors are reported: message, hint and a stable exit code. */
export function reportError(err: unknown, format: OutputFormat): number {
  const known = err instanceof CausewayError;
  const code = errorCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const hint = known ? err.hint : undefined;
  if (format === 'json') {
    process.stderr.write(`${JSON.stringify({ error: { code, message, hint } })}\n`);
  } else {
    process.stderr.write(`error: ${message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`);
    if (!known && err instanceof Error && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
  }
  return wireForm(code).exit;
}
