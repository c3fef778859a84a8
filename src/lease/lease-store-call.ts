import { CausewayError } from '../errors/index.js';

/**
 * Runs one request to a lease store. Our own CausewayErrors (a malformed record, a contended
 * lease) pass through untouched; any other failure becomes the backend's typed error, `failure`.
 */
export async function callLeaseStore<T>(
  fn: () => Promise<T>,
  failure: (cause: unknown) => CausewayError,
): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof CausewayError) throw cause;
    throw failure(cause);
  }
}
