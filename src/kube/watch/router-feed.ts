import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../api/index.js';
import type { SitePaths } from '../../config/index.js';
import { backoffDelay } from '../../link/index.js';
import type { Logger } from '../../observability/index.js';
import type { ServicesSnapshot } from '../../api/index.js';

/**
 * The router's view of the clusterset, kept current from its change stream
 * (`/v1/services?watch=1`). When the router restarts the stream ends; the feed reconnects with
 * back-off and the first snapshot after that replaces everything (level-triggered).
 */
export class RouterFeed {
  latest: ServicesSnapshot | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private firstWaiters: Array<() => void> = [];

  constructor(
    private readonly paths: SitePaths,
    private readonly onSnapshot: (snapshot: ServicesSnapshot) => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Resolves once a first snapshot has arrived. */
  ready(): Promise<void> {
    if (this.latest !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.firstWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const client = new ApiClient(this.paths);
    for (let attempt = 0; !this.abort.signal.aborted;) {
      let received = false;
      try {
        await client.watchServices((snapshot) => {
          received = true;
          this.latest = snapshot;
          for (const wake of this.firstWaiters.splice(0)) wake();
          this.onSnapshot(snapshot);
        }, this.abort.signal);
        if (!this.abort.signal.aborted)
          this.logger.warn('router closed the services stream; reconnecting');
      } catch (err) {
        if (attempt === 0) this.logger.warn({ err }, 'router not reachable; retrying');
      }
      attempt = received ? 0 : attempt + 1;
      await sleep(backoffDelay(attempt, 100, 2_000), undefined, {
        signal: this.abort.signal,
      }).catch(() => undefined);
    }
  }
}
