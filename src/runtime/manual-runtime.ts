import type { Runtime, Timer } from './runtime.js';

interface Scheduled {
  at: number;
  every: number | undefined;
  fn: () => void;
  seq: number;
  cancelled: boolean;
}

/**
 * A Runtime whose clock moves only when told: `advance` runs every timer that falls due, in time
 * order, each seeing `now()` at its own due time. `random` is a seeded generator (mulberry32), so a
 * run that chooses by chance repeats exactly.
 */
export class ManualRuntime implements Runtime {
  #now: number;
  #seed: number;
  #seq = 0;
  readonly #timers: Scheduled[] = [];

  constructor(start = 0, seed = 1) {
    this.#now = start;
    this.#seed = seed >>> 0;
  }

  now(): number {
    return this.#now;
  }

  random(): number {
    this.#seed = (this.#seed + 0x6d2b79f5) >>> 0;
    let t = this.#seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  after(ms: number, fn: () => void): Timer {
    return this.#schedule(ms, undefined, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.#schedule(ms, Math.max(1, ms), fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Moves the clock forward by `ms`, running what falls due on the way. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#due(until);
      if (next === undefined) break;
      this.#now = next.at;
      if (next.every === undefined) next.cancelled = true;
      else next.at += next.every;
      next.fn();
    }
    this.#now = until;
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  #due(until: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.#timers) {
      if (t.cancelled || t.at > until) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }

  #schedule(ms: number, every: number | undefined, fn: () => void): Timer {
    this.#seq += 1;
    const entry: Scheduled = {
      at: this.#now + Math.max(0, ms),
      every,
      fn,
      seq: this.#seq,
      cancelled: false,
    };
    this.#timers.push(entry);
    const timer: Timer = {
      cancel: () => {
        entry.cancelled = true;
        const i = this.#timers.indexOf(entry);
        if (i >= 0) this.#timers.splice(i, 1);
      },
      unref: () => timer,
    };
    return timer;
  }
}
