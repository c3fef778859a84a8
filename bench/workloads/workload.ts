import type { Endpoint, RunningPath } from '../path-under-test.js';

/** A target server a workload drives through each path. */
export interface RunningTarget extends Endpoint {
  stop(): Promise<void>;
}

/** Named figures one workload measured through one path, plus anything worth a footnote. */
export interface WorkloadResult {
  readonly figures: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

/** One column of a workload's table. */
export interface FigureColumn {
  readonly key: string;
  readonly label: string;
}

/** A bench workload: its target, how to measure through a running path, and how to report it. */
export interface Workload {
  readonly name: string;
  readonly columns: readonly FigureColumn[];
  /** Figure compared against stunnel as a ratio. */
  readonly headline: string;
  /** Figures also shown as the amount added over the direct path (latencies). */
  readonly addedOverDirect: readonly string[];
  startTarget(): Promise<RunningTarget>;
  measure(path: RunningPath): Promise<WorkloadResult>;
}
