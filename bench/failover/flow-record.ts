/** One new flow of a load run: when it started and ended (epoch ms) and who answered, or why it failed. */
export interface FlowRecord {
  readonly i: number;
  readonly start: number;
  readonly end: number;
  /** The backend's name, as it answered; absent when the flow failed. */
  readonly backend?: string;
  /** Socket error code (ECONNRESET, …), TIMEOUT or EMPTY; absent when the flow was answered. */
  readonly error?: string;
  /** With `error`: what had arrived before it (a reply cut short is not a refused flow). */
  readonly partial?: string;
}

/** Parses one line the load process printed; undefined for anything that is not a flow record. */
export function parseFlowRecord(line: string): FlowRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<FlowRecord>;
    if (
      typeof value.i !== 'number' ||
      typeof value.start !== 'number' ||
      typeof value.end !== 'number'
    )
      return undefined;
    return value as FlowRecord;
  } catch {
    return undefined;
  }
}

/** A flow that got an answer from a backend. */
export function answered(record: FlowRecord): boolean {
  return record.backend !== undefined && record.error === undefined;
}
