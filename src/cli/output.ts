import { CausewayError, ErrorCode } from '../errors/index.js';

export type OutputFormat = 'text' | 'json';

/** Exit codes scripts can rely on. */
export const ExitCode = { Ok: 0, Failure: 1, BadInput: 2, NotRunning: 3, Refused: 4 } as const;

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

const BAD_INPUT: ReadonlySet<string> = new Set([
  ErrorCode.KubeConfigInvalid,
  ErrorCode.KubeClusterIdMismatch,
  ErrorCode.InputInvalid,
  ErrorCode.ConfigInvalid,
  ErrorCode.ConfigMissing,
  ErrorCode.TokenMalformed,
  ErrorCode.SiteExists,
  ErrorCode.ServiceUnknown,
  ErrorCode.KubeNotInstalled,
  ErrorCode.KubeImageUnavailable,
]);
const REFUSED: ReadonlySet<string> = new Set([
  ErrorCode.TokenUnknown,
  ErrorCode.TokenExpired,
  ErrorCode.TokenUsedUp,
  ErrorCode.TokenForged,
  ErrorCode.TokenOtherClusterset,
  ErrorCode.TokenPeerMismatch,
  ErrorCode.LinkRedeemFailed,
  ErrorCode.KubeSiteMismatch,
  ErrorCode.KubeCrdIncompatible,
  ErrorCode.DelegationRefused,
]);

/** The one place CLI errors are reported: message, hint and a stable exit code. */
export function reportError(err: unknown, format: OutputFormat): number {
  const known = err instanceof CausewayError;
  const code = known ? err.code : 'CW_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  const hint = known ? err.hint : undefined;
  if (format === 'json') {
    process.stderr.write(`${JSON.stringify({ error: { code, message, hint } })}\n`);
  } else {
    process.stderr.write(`error: ${message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`);
    if (!known && err instanceof Error && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
  }
  if (code === ErrorCode.RouterNotRunning) return ExitCode.NotRunning;
  if (BAD_INPUT.has(code)) return ExitCode.BadInput;
  if (REFUSED.has(code)) return ExitCode.Refused;
  return ExitCode.Failure;
}
