import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../api/index.js';
import { sitePaths } from '../config/index.js';
import { backoffDelay } from '../link/index.js';
import type { Logger } from '../observability/index.js';
import type { RouterObservation } from './gslb-state.js';

/**
 * Partition and link RTTs are in the router's status, not its change stream; polled this often.
 * A minority router must stop feeding answers within about this long after it noticed.
 */
const STATUS_POLL_MS = 250;

/**
 * Follows one router's local API: its clusterset stream (`/v1/services?watch=1`) for readiness and
 * its status for partition and link RTTs. When the router goes away the watch says so (`onLost`),
 * then reconnects with back-off; the first snapshot after that replaces everything.
 */
export class RouterWatch {
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];

  constructor(
    readonly dir: string,
    private readonly onObservation: (observation: RouterObservation) => void,
    private readonly onLost: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running.length > 0) return;
    const client = new ApiClient(sitePaths(this.dir));
    this.running = [this.streamLoop(client), this.statusLoop(client)];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }

  private async streamLoop(client: ApiClient): Promise<void> {
    const { signal } = this.abort;
    for (let attempt = 0; !signal.aborted;) {
      let received = false;
      try {
        await client.watchServices((snapshot) => {
          received = true;
          this.onObservation({ snapshot });
        }, signal);
      } catch (err) {
        if (attempt === 0)
          this.logger.warn({ router: this.dir, err }, 'router not reachable; retrying');
      }
      if (signal.aborted) return;
      this.onLost();
      attempt = received ? 0 : attempt + 1;
      await sleep(backoffDelay(attempt, 100, 2_000), undefined, { signal }).catch(() => undefined);
    }
  }

  private async statusLoop(client: ApiClient): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        const { site, links, partition, leases } = await client.status();
        this.onObservation({ status: { site, links, partition, leases } });
      } catch {
        // The stream loop reports the router as lost; here we only wait for it to come back.
      }
      await sleep(STATUS_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }
}
