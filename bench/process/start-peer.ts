import { spawn, type ChildProcess } from 'node:child_process';

import { peerScript } from './peer-script.js';
import { raiseFdLimit } from './raise-fd-limit.js';
import { readLines } from './read-lines.js';
import { stopChild } from './stop-child.js';

/** A long-running helper process (server or proxy half) that reported the port it listens on. */
export interface PeerProcess {
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `dist/bench/peers/<name>.js` with `args` and waits for its `READY <port>` line.
 * Anything else it prints on stderr is kept for the error message if it dies first.
 */
export async function startPeer(
  name: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<PeerProcess> {
  const [command = 'bash', ...rest] = raiseFdLimit([process.execPath, peerScript(name), ...args]);
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  try {
    const port = await waitForReady(child, timeoutMs, () => stderr);
    return { pid: child.pid ?? -1, port, child, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

function waitForReady(
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`peer not ready in ${timeoutMs} ms: ${stderr()}`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`peer exited (${code ?? signal}) before ready: ${stderr()}`));
    });
    if (child.stdout === null) throw new Error('peer stdout is not piped');
    readLines(child.stdout, (line) => {
      const match = /^READY (\d+)$/.exec(line.trim());
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });
}
