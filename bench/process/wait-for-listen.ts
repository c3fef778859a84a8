import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const LISTEN_STATE = '0A';

/**
 * Waits until some socket listens on `port`, by reading /proc/net/tcp{,6} rather than probing,
 * because a probe connection would reach the target through a proxy and disturb servers such as
 * iperf3 that expect a protocol on every connection.
 */
export async function waitForListen(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port)) return;
    await sleep(25);
  }
  throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
}

async function isListening(port: number): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) === true && fields[3] === LISTEN_STATE) return true;
    }
  }
  return false;
}
