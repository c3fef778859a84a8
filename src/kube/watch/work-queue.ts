import { backoffDelay } from '../../link/index.js';
import type { Logger } from '../../observability/index.js';

/**
 * A level-triggered work queue keyed by object (`kind/namespace/name`): adding a key that is
 * already waiting does nothing, a key is never worked on twice at once (a change that lands while
 * it is being worked on runs it again afterwards), and a failed key is retried with back-off.
 */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly active = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly options: { concurrency: number; logger: Logger },
  ) {}

  add(key: string): void {
    if (this.closed) return;
    if (this.active.has(key)) {
      this.again.add(key);
      return;
    }
    this.waiting.add(key);
    this.pump();
  }

  /** Keys waiting, running or due for a retry. */
  get depth(): number {
    return this.waiting.size + this.active.size + this.timers.size;
  }

  /** Resolves when nothing is waiting or running (retries scheduled for later do not count). */
  idle(): Promise<void> {
    if (this.waiting.size === 0 && this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
  }

  private pump(): void {
    for (const key of this.waiting) {
      if (this.active.size >= this.options.concurrency) return;
      this.waiting.delete(key);
      this.active.add(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.work(key);
      this.failures.delete(key);
    } catch (err) {
      this.retryLater(key, err);
    } finally {
      this.active.delete(key);
      if (this.again.delete(key)) this.waiting.add(key);
      this.pump();
      if (this.waiting.size === 0 && this.active.size === 0)
        for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private retryLater(key: string, err: unknown): void {
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    const delay = backoffDelay(attempt, 100, 10_000);
    this.options.logger.warn(
      { key, err, attempt: attempt + 1, retryInMs: delay },
      'reconcile failed; will retry',
    );
    if (this.timers.has(key) || this.closed) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delay),
    );
  }
}
