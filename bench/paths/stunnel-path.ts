import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Endpoint, PathUnderTest, RunningPath } from '../path-under-test.js';
import { freePort } from '../process/free-port.js';
import { raiseFdLimit } from '../process/raise-fd-limit.js';
import { stopChild } from '../process/stop-child.js';
import { waitForListen } from '../process/wait-for-listen.js';
import { BENCH_SERVER_NAME } from '../peers/tls-material.js';
import { createThrowawayCert, type ThrowawayCert } from './throwaway-cert.js';

/** The baseline every figure is compared to: a stunnel client and server, mutual TLS 1.3. */
export const stunnelPath: PathUnderTest = {
  name: 'stunnel',
  async start(target): Promise<RunningPath> {
    const cert = await createThrowawayCert();
    const children: ChildProcess[] = [];
    const stop = async (): Promise<void> => {
      await Promise.all(children.map((child) => stopChild(child)));
      await cert.remove();
    };
    try {
      const serverPort = await freePort();
      children.push(await startStunnel(cert, 'server', serverPort, target));
      const clientPort = await freePort();
      children.push(
        await startStunnel(cert, 'client', clientPort, { host: '127.0.0.1', port: serverPort }),
      );
      const pids = children.map((child) => child.pid ?? -1);
      return { host: '127.0.0.1', port: clientPort, pids, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  },
};

async function startStunnel(
  cert: ThrowawayCert,
  role: 'client' | 'server',
  accept: number,
  connect: Endpoint,
): Promise<ChildProcess> {
  const file = join(cert.dir, `${role}.conf`);
  await writeFile(file, stunnelConfig(cert, role, accept, connect));
  const [command = 'bash', ...args] = raiseFdLimit([stunnelBinary(), file]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`stunnel ${role} exited (${code}): ${stderr}`))),
  );
  died.catch(() => undefined);
  try {
    await Promise.race([waitForListen(accept), died]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return child;
}

// Foreground so the pid we hold is the daemon itself; `pid =` (empty) writes no pid file.
// TCP_NODELAY on both sides matches what the node peers set, so latency compares like for like.
function stunnelConfig(
  cert: ThrowawayCert,
  role: 'client' | 'server',
  accept: number,
  connect: Endpoint,
): string {
  return [
    'foreground = yes',
    'pid =',
    'debug = 0',
    'socket = l:TCP_NODELAY=1',
    'socket = r:TCP_NODELAY=1',
    `[bench-${role}]`,
    `client = ${role === 'client' ? 'yes' : 'no'}`,
    `accept = 127.0.0.1:${accept}`,
    `connect = ${connect.host}:${connect.port}`,
    'sslVersionMin = TLSv1.3',
    `cert = ${cert.certFile}`,
    `key = ${cert.keyFile}`,
    `CAfile = ${cert.certFile}`,
    'verifyPeer = yes',
    ...(role === 'client'
      ? [`checkHost = ${BENCH_SERVER_NAME}`, `sni = ${BENCH_SERVER_NAME}`]
      : []),
    '',
  ].join('\n');
}

function stunnelBinary(): string {
  return process.env['STUNNEL'] ?? 'stunnel4';
}
