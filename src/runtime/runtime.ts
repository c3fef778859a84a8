/** A scheduled call; `cancel` is idempotent, `unref` lets the process exit while it waits. */
export interface Timer {
  cancel(): void;
  unref(): Timer;
}

/**
 * Time, chance and timers as a dependency: decisions that depend on them (ejection windows, link
 * liveness, stale adverts, drain deadlines) take a Runtime, so a test drives them with a manual
 * clock instead of sleeping, and the simulator runs the same code.
 */
export interface Runtime {
  /** Epoch milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  random(): number;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms`. */
  every(ms: number, fn: () => void): Timer;
  /** Resolves `ms` from now (a poll's pause, never a stand-in for a condition). */
  sleep(ms: number): Promise<void>;
}

function nodeTimer(handle: NodeJS.Timeout, clear: (h: NodeJS.Timeout) => void): Timer {
  const timer: Timer = {
    cancel: () => clear(handle),
    unref: () => {
      handle.unref();
      return timer;
    },
  };
  return timer;
}

/** The process's clock, Math.random and Node's timers. */
export const systemRuntime: Runtime = {
  now: () => Date.now(),
  random: () => Math.random(),
  after: (ms, fn) => nodeTimer(setTimeout(fn, ms), clearTimeout),
  every: (ms, fn) => nodeTimer(setInterval(fn, ms), clearInterval),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
