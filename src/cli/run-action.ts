import { outputFormat, reportError } from './output.js';

/** Wraps a command's action: every failure goes through reportError and sets the exit code. */
export function runAction<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const opts = args.find(
        (a): a is { output?: string } => typeof a === 'object' && a !== null && 'output' in a,
      );
      let format: 'text' | 'json' = 'text';
      try {
        format = outputFormat(opts?.output);
      } catch {
        // keep text
      }
      process.exitCode = reportError(err, format);
    }
  };
}
