import { spawn } from 'node:child_process';

import { peerScript } from './peer-script.js';
import { raiseFdLimit } from './raise-fd-limit.js';
import { readLines } from './read-lines.js';
import { stopChild } from './stop-child.js';

/**
 * Runs a short-lived peer (a load client) to completion and returns the JSON it printed on its
 * `RESULT {...}` line. The peer is killed if it outlives `timeoutMs`.
 */
export async function runPeer<T>(
  name: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<T> {
  const [command = 'bash', ...rest] = raiseFdLimit([process.execPath, peerScript(name), ...args]);
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let result: string | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  if (child.stdout !== null) {
    readLines(child.stdout, (line) => {
      if (line.startsWith('RESULT ')) result = line.slice('RESULT '.length);
    });
  }
  const timer = setTimeout(() => void stopChild(child), timeoutMs);
  const code = await new Promise<number | null>((resolve) =>
    child.once('close', (c) => resolve(c)),
  );
  clearTimeout(timer);
  if (result === undefined)
    throw new Error(`${name} gave no result (exit ${code}): ${stderr.trim()}`);
  return JSON.parse(result) as T;
}
