/** The window requests and retries are counted over. */
const WINDOW_MS = 10_000;
/** Retries allowed per window whatever the traffic, so a quiet route can still retry (as Linkerd's minimum). */
const MIN_RETRIES_PER_WINDOW = 10;

/**
 * Keeps retries below a share of the requests, so a failing backend gets at most that much extra
 * load instead of (attempts + 1) times its traffic. Counts over two alternating windows; `now` is
 * injected so tests drive the clock.
 */
export class RetryBudget {
  #windowStart = 0;
  #requests = 0;
  #retries = 0;
  #previousRequests = 0;
  #previousRetries = 0;

  constructor(
    private readonly percent: number,
    private readonly now: () => number,
  ) {}

  /** A first attempt was sent. */
  request(): void {
    this.#roll();
    this.#requests += 1;
  }

  /** True (and the retry counted) when one more retry stays within the budget. */
  tryRetry(): boolean {
    this.#roll();
    const requests = this.#requests + this.#previousRequests;
    const retries = this.#retries + this.#previousRetries;
    const allowed = Math.max(MIN_RETRIES_PER_WINDOW, (requests * this.percent) / 100);
    if (retries + 1 > allowed) return false;
    this.#retries += 1;
    return true;
  }

  #roll(): void {
    const now = this.now();
    if (now - this.#windowStart < WINDOW_MS) return;
    const skipped = now - this.#windowStart >= 2 * WINDOW_MS;
    this.#previousRequests = skipped ? 0 : this.#requests;
    this.#previousRetries = skipped ? 0 : this.#retries;
    this.#requests = 0;
    this.#retries = 0;
    this.#windowStart = now;
  }
}
