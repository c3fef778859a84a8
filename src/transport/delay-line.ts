import type { Runtime, Timer } from '../runtime/index.js';

/**
 * Holds inbound chunks back by a delay each and hands them on in arrival order, as a slower
 * network would: a chunk never overtakes one that arrived before it, so a short delay drawn after
 * a long one waits for it (head-of-line blocking, what TCP does too).
 */
export class DelayLine {
  private readonly held: { due: number; chunk: Buffer }[] = [];
  private lastDue = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly deliver: (chunk: Buffer) => void,
  ) {}

  /** True while chunks wait: new ones must queue behind them even with no delay. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Queues `chunk` to be delivered `delayMs` from now, after everything queued before it. */
  push(chunk: Buffer, delayMs: number): void {
    const due = Math.max(this.runtime.now() + Math.max(0, delayMs), this.lastDue);
    this.lastDue = due;
    this.held.push({ due, chunk });
    if (this.held.length === 1) this.schedule();
  }

  /** Drops what is held (the connection went away). */
  clear(): void {
    this.timer?.cancel();
    this.held.length = 0;
  }

  private schedule(): void {
    const first = this.held[0];
    if (first === undefined) return;
    this.timer = this.runtime
      .after(Math.max(0, first.due - this.runtime.now()), () => this.flush())
      .unref();
  }

  private flush(): void {
    const now = this.runtime.now();
    while (this.held.length > 0 && (this.held[0]?.due ?? Infinity) <= now) {
      const next = this.held.shift();
      if (next !== undefined) this.deliver(next.chunk);
    }
    this.schedule();
  }
}
