import { execFile } from 'node:child_process';

/** What a finished command printed, and how it ended. */
export interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `argv` to completion, killing it after `timeoutMs`; a non-zero exit is returned, not thrown. */
export function runCommand(argv: readonly string[], timeoutMs: number): Promise<CommandOutput> {
  const [command = 'true', ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        // ENOENT and friends mean the tool is missing: that is the caller's error to report.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an ExecFileException is an Error; the narrowing on `code` hides it.
        if (err !== null && typeof err.code === 'string') return reject(err);
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
}
