import type { Logger } from '../observability/index.js';
import type { Runtime } from '../runtime/index.js';

/** How often a drain looks at the flows left: their ends are their own sockets' events. */
const DRAIN_POLL_MS = 50;

/** Waits up to `timeoutMs` for the flows in progress to end; resolves with those left and the time waited. */
export async function drainFlows(
  inFlight: () => number,
  timeoutMs: number,
  runtime: Runtime,
  logger: Logger,
): Promise<{ remaining: number; waitedMs: number }> {
  const started = runtime.now();
  logger.info({ timeoutMs }, 'draining: no new flows to this site');
  // Flows end on their own sockets' events, not one the router can await: poll their count.
  while (inFlight() > 0 && runtime.now() - started < timeoutMs) await runtime.sleep(DRAIN_POLL_MS);
  const remaining = inFlight();
  logger.info({ remaining, waitedMs: runtime.now() - started }, 'drain finished');
  return { remaining, waitedMs: runtime.now() - started };
}
