// Steps the real-node test files share: bounded waits for a cluster to get somewhere, and CLI calls
// that must succeed.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliResult } from '../support/cli-runner.js';

/** `probe`'s first defined value, polled every 250 ms; fails with its last error after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `${what} not within ${timeoutMs} ms${last === '' ? '' : ` (last: ${last.slice(0, 2000)})`}`,
  );
}

/** The result of a CLI call that must exit 0, with its output in the failure message. */
export function ok(result: CliResult, what: string): CliResult {
  assert.equal(
    result.code,
    0,
    `${what} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`,
  );
  return result;
}
