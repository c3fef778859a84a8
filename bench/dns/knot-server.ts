import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from '../process/free-port.js';
import { BENCH_ZONE } from './bench-services.js';
import { digAnswer } from './dig-answer.js';
import { spawnPinned } from './pinned-child.js';

const READY_TIMEOUT_MS = 10_000;

/** A knotd serving one zone file from a temp dir, pinned to one core. */
export interface KnotServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `knotd` in the foreground with one UDP, TCP and background worker, so it uses one core
 * as Node's single event loop does, and waits until it answers the zone's SOA.
 */
export async function startKnot(zoneText: string, core: number): Promise<KnotServer> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-knot-'));
  const port = await freePort();
  await writeFile(join(dir, `${BENCH_ZONE}.zone`), zoneText);
  await writeFile(join(dir, 'knot.conf'), knotConfig(dir, port));
  const knot = spawnPinned(core, ['knotd', '-c', join(dir, 'knot.conf')]);
  const stop = async (): Promise<void> => {
    await knot.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForZone(port, () => knot.child.exitCode !== null);
  } catch (err) {
    await stop();
    throw new Error(
      `knotd did not serve ${BENCH_ZONE}: ${err instanceof Error ? err.message : String(err)}\n${knot.stderr()}`,
      { cause: err },
    );
  }
  return { pid: knot.child.pid ?? -1, port, stop };
}

/** Control socket, pid file and journal all live in `dir`, so nothing touches the system's knot. */
function knotConfig(dir: string, port: number): string {
  return `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "${dir}/db"
zone:
  - domain: ${BENCH_ZONE}
    storage: "${dir}"
    file: "${BENCH_ZONE}.zone"
    zonefile-sync: -1
    journal-content: none
`;
}

// knotd listens before the zone is loaded and answers REFUSED until then.
async function waitForZone(port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !exited()) {
    const answer = await digAnswer(port, BENCH_ZONE, 'SOA');
    if (answer.status === 'NOERROR' && answer.records.length > 0) return;
    await sleep(50);
  }
  throw new Error(exited() ? 'knotd exited' : `no SOA answer in ${READY_TIMEOUT_MS} ms`);
}
