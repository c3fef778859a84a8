import { spawn, type ChildProcess } from 'node:child_process';

import { readLines } from '../process/read-lines.js';
import { stopChild } from '../process/stop-child.js';

/** A server process confined to one CPU core, with what it printed kept for errors and results. */
export interface PinnedChild {
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `argv` under `taskset -c <core>`, so the process and all its threads share that one core. */
export function spawnPinned(core: number, argv: readonly string[]): PinnedChild {
  const child = spawn('taskset', ['-c', String(core), ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  if (child.stdout !== null) readLines(child.stdout, (line) => lines.push(line));
  return { child, lines, stderr: () => stderr, stop: () => stopChild(child, 5_000) };
}

/** Resolves with the first stdout line matching `pattern`; rejects if the child exits or time runs out first. */
export function waitForLine(
  pinned: PinnedChild,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = pinned.lines.map((line) => pattern.exec(line)).find((m) => m !== null);
      if (match !== undefined && match !== null) return settle(() => resolve(match));
      if (pinned.child.exitCode !== null || pinned.child.signalCode !== null)
        return settle(() => reject(new Error(`exited before ready: ${pinned.stderr()}`)));
      if (Date.now() - started > timeoutMs)
        settle(() => reject(new Error(`not ready in ${timeoutMs} ms: ${pinned.stderr()}`)));
    }, 20);
    const settle = (done: () => void): void => {
      clearInterval(poll);
      done();
    };
  });
}
