import { fileURLToPath } from 'node:url';

import type { DnsStatsSnapshot } from '../../src/dns/index.js';
import { spawnPinned, waitForLine } from './pinned-child.js';

const READY_TIMEOUT_MS = 10_000;

/** The Causeway DNS server child; `stop` returns its counters (undefined if it died without them). */
export interface CausewayProcess {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<DnsStatsSnapshot | undefined>;
}

/** Starts causeway-dns-server.js pinned to `core`; with `cpuProfDir` Node writes a .cpuprofile there on exit. */
export async function startCauseway(core: number, cpuProfDir?: string): Promise<CausewayProcess> {
  const script = fileURLToPath(new URL('./causeway-dns-server.js', import.meta.url));
  const profile = cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir];
  const server = spawnPinned(core, [process.execPath, ...profile, script]);
  try {
    const ready = await waitForLine(server, /^READY (\d+)$/, READY_TIMEOUT_MS);
    return {
      pid: server.child.pid ?? -1,
      port: Number(ready[1]),
      stop: () => stopWithStats(server),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function stopWithStats(
  server: ReturnType<typeof spawnPinned>,
): Promise<DnsStatsSnapshot | undefined> {
  await server.stop();
  const line = server.lines.find((l) => l.startsWith('STATS '));
  return line === undefined
    ? undefined
    : (JSON.parse(line.slice('STATS '.length)) as DnsStatsSnapshot);
}
