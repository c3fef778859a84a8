import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { runCommand } from '../dns/run-command.js';
import { freePort } from '../process/free-port.js';
import { stopChild } from '../process/stop-child.js';

const READY_TIMEOUT_MS = 10_000;

/** A redis-server of our own on a loopback port, with persistence off. */
export interface RedisInstance {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server` in the foreground and waits until `redis-cli PING` answers PONG. */
export async function startRedisInstance(): Promise<RedisInstance> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2_000)),
  );
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = (): Promise<void> => stopChild(child);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnFailed, sleep(50, undefined)]);
    if (failed !== undefined)
      throw new Error(
        `redis-server did not start: ${failed.message}\nhint: apt-get install -y redis-server redis-tools`,
      );
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
    const ping = await runCommand(
      ['redis-cli', '-h', '127.0.0.1', '-p', String(port), 'PING'],
      2_000,
    ).catch(() => undefined);
    if (ping?.stdout.trim() === 'PONG') return { host: '127.0.0.1', port, stop };
  }
  await stop();
  throw new Error(
    `redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms: ${stderr}`,
  );
}
