import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseFlowRecord, type FlowRecord } from './flow-record.js';

/** The parent's view of one flow-load process: records as they arrive, and its end. */
export class LoadRun {
  readonly records: FlowRecord[] = [];
  /** Resolves at the first finished flow (the load is running). */
  readonly firstFlow: Promise<void>;
  /** Resolves with every record once the process exits; rejects if it failed. */
  readonly finished: Promise<FlowRecord[]>;

  constructor(readonly child: ChildProcess) {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let markFirst: () => void = () => undefined;
    this.firstFlow = new Promise((resolve) => (markFirst = resolve));
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const record = parseFlowRecord(line);
      if (record === undefined) return;
      this.records.push(record);
      markFirst();
    });
    const closed = new Promise<void>((resolve) => lines.once('close', resolve));
    this.finished = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        void closed.then(() => {
          if (code === 0) resolve(this.records.sort((a, b) => a.i - b.i));
          else reject(new Error(`flow-load exited ${code ?? signal}: ${stderr.trim()}`));
        });
      });
    });
    // A load that never gets a flow through must not hang whoever waits for the first one.
    void this.finished.then(markFirst, markFirst);
  }
}
