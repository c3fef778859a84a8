import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server binary started by a test, its output going to `logPath`. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
}

/** Starts `binary` with its stdout and stderr appended to `logPath` (a pipe would fill and stall it). */
export function spawnServer(binary: string, args: string[], logPath: string): ServerProcess {
  const log = openSync(logPath, 'a');
  try {
    return { child: spawn(binary, args, { stdio: ['ignore', log, log] }), logPath };
  } finally {
    closeSync(log);
  }
}

/** True until the process has exited or died of a signal. */
export function isRunning(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/**
 * Polls `probe` every 100 ms until it holds. Fails early, with the log's tail, when the process
 * exits, and when `timeoutMs` passes, so a broken start names its reason.
 */
export async function waitUntilServing(
  server: ServerProcess,
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(server))
      throw new Error(
        `${what} exited (${server.child.exitCode ?? server.child.signalCode}) before serving:\n${await logTail(server)}`,
      );
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} was not serving within ${timeoutMs} ms:\n${await logTail(server)}`);
}

/** SIGTERM by pid, SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopServer(server: ServerProcess, graceMs = 5_000): Promise<void> {
  const { child } = server;
  if (!isRunning(server) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  // Unref'd so the timer does not keep the test process alive once the server has gone.
  const stopped = await Promise.race([
    exited.then(() => true),
    sleep(graceMs, false, { ref: false }),
  ]);
  if (!stopped && isRunning(server)) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

/** The last lines of a server's log, for failure messages. */
export async function logTail(server: ServerProcess, chars = 3_000): Promise<string> {
  const text = await readFile(server.logPath, 'utf8').catch(() => '');
  return text.slice(-chars);
}
