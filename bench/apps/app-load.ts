import type { Endpoint } from '../path-under-test.js';

/** One named figure of an application load, and which way is better. */
export interface AppFigure {
  readonly key: string;
  readonly label: string;
  readonly better: 'higher' | 'lower';
}

/** What one load run measured through one path. */
export interface AppRun {
  readonly figures: Readonly<Record<string, number>>;
  /** Transactions or requests the run completed, to divide the path's costs by. */
  readonly operations: number;
  readonly notes: readonly string[];
}

/** A real server, started and loaded with data, that a load client drives through each path. */
export interface RunningApp {
  readonly endpoint: Endpoint;
  measure(at: Endpoint): Promise<AppRun>;
  /** A short untimed load through `at`, so the first timed run does not pay for cold caches. */
  warmUp(at: Endpoint): Promise<void>;
  stop(): Promise<void>;
}

/** An application benchmark: a server from the distribution and its own load generator. */
export interface AppLoad {
  readonly name: string;
  /** The load command as a person would type it, for the table's title. */
  readonly command: string;
  /** How the latency figures were obtained, printed under the table. */
  readonly method: string;
  readonly figures: readonly AppFigure[];
  start(): Promise<RunningApp>;
}
