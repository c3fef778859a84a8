import type { Runtime, Timer } from '../../runtime/index.js';

/**
 * Ends a session after a period of silence. One timer per session, re-armed only when it fires
 * early (activity since), so a datagram costs one clock read and no timer churn.
 */
export class IdleWatch {
  private lastActive: number;
  private timer: Timer | undefined;

  constructor(
    private readonly runtime: Runtime,
    /** The current limit: it grows once a session has seen replies. */
    private readonly timeoutMs: () => number,
    private readonly onIdle: () => void,
  ) {
    this.lastActive = runtime.now();
    this.arm(timeoutMs());
  }

  touch(): void {
    this.lastActive = this.runtime.now();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.runtime.after(ms, () => this.check()).unref();
  }

  private check(): void {
    const left = this.lastActive + this.timeoutMs() - this.runtime.now();
    if (left > 0) this.arm(left);
    else {
      this.timer = undefined;
      this.onIdle();
    }
  }
}
