import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { CausewayError, ErrorCode } from '../errors/index.js';

/**
 * `--port` and friends: an integer in range, or a message naming the flag. Commander only turns
 * InvalidArgumentError into a usage error (exit 2); anything else thrown here escapes parsing.
 */
export function intOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${flag}: "${value}" must be a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/** Reads a token from a file path, or from stdin when the path is `-`. */
export function readTokenArgument(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--token: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        hint: 'pass the file written by `causeway token issue`, or - to read it from standard input',
      },
    );
  }
}

/** Site directory: `--dir`, else $CAUSEWAY_SITE_DIR, else the current directory. */
export const DIR_HELP = 'site directory (default: $CAUSEWAY_SITE_DIR or the current directory)';
export function siteDir(dir: string | undefined): string {
  return dir ?? process.env['CAUSEWAY_SITE_DIR'] ?? '.';
}

/** `--admin-key` / `--admin-cert`: an admin key from `causeway admin issue` signs instead of the CA key. */
export const ADMIN_KEY_HELP = 'sign with this admin key instead of the CA key of --dir';
export const ADMIN_CERT_HELP = 'the certificate of --admin-key (from `causeway admin issue`)';

/** Both admin files, neither (sign with the CA key), or exit 2 naming the one missing. */
export function adminKeyFiles(
  keyFile: string | undefined,
  certFile: string | undefined,
): { keyFile: string; certFile: string } | undefined {
  if (keyFile === undefined && certFile === undefined) return undefined;
  if (keyFile === undefined || certFile === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--admin-${keyFile === undefined ? 'key' : 'cert'}: missing (the two go together)`,
      { hint: 'pass both --admin-key and --admin-cert, or neither to sign with the CA key' },
    );
  return { keyFile, certFile };
}
