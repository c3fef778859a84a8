/** Where a workload's client should connect, and which processes carry the traffic. */
export interface RunningPath {
  readonly host: string;
  readonly port: number;
  /** Processes whose memory counts as the path's cost (empty when nothing sits in between). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** A way of carrying one TCP flow to a target: a proxy pair, the router, or nothing at all. */
export interface PathUnderTest {
  readonly name: string;
  start(target: { host: string; port: number }): Promise<RunningPath>;
}

/** Host and port of a listening socket. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}
