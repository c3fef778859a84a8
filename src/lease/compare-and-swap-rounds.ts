import { CausewayError, ErrorCode } from '../errors/index.js';

// Conflicts only come from other writers of the same name; each lost round re-reads, and a
// reader that sees a live lease of someone else stops, so this bound is never met in practice.
const maxCasRounds = 32;

/**
 * Runs one read-decide-swap round until it commits or decides; a round returning `undefined`
 * lost its swap and runs again, up to a bound. `call` turns a round's failures into typed errors.
 */
export async function runCompareAndSwapRounds<T>(
  name: string,
  round: () => Promise<T | undefined>,
  call: (fn: () => Promise<T | undefined>) => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 0; attempt < maxCasRounds; attempt++) {
    const result = await call(round);
    if (result !== undefined) return result;
  }
  throw new CausewayError(
    ErrorCode.LeaseContended,
    `lease ${name} kept changing during ${maxCasRounds} attempts`,
  );
}
