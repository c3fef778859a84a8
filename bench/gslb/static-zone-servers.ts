import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { corednsBinary } from '../../test/support/install-tools.js';
import { digAnswer } from '../dns/dig-answer.js';
import { spawnPinned, type PinnedChild } from '../dns/pinned-child.js';
import { freePort } from '../process/free-port.js';

/** A baseline server answering a static copy of the GSLB zone. */
export interface StaticServer {
  server: string;
  pinned: PinnedChild;
  port: number;
}

/** The zone as a master file with the records the GSLB answers while its first site is healthy. */
export function staticZone(
  zone: string,
  serial: number,
  nameServer: { name: string; address: string },
  records: ReadonlyArray<{ name: string; address: string; ttl: number }>,
): string {
  return [
    `$ORIGIN ${zone}.`,
    '$TTL 5',
    // The SOA timers and negative TTL the GSLB puts in its own SOA (src/gslb/answer-gslb-query.ts).
    `@ 5 SOA ${nameServer.name}. hostmaster.${zone}. ${serial} 7200 1800 86400 5`,
    `@ 3600 NS ${nameServer.name}.`,
    `${nameServer.name}. 3600 A ${nameServer.address}`,
    ...records.map((r) => `${r.name}. ${r.ttl} A ${r.address}`),
    '',
  ].join('\n');
}

/** knotd with one worker of each kind, pinned to `core`, as the bench of clusterset DNS runs it. */
export async function startKnotZone(
  dir: string,
  zone: string,
  zoneText: string,
  core: number,
): Promise<StaticServer> {
  const port = await freePort();
  await mkdir(join(dir, 'db'), { recursive: true });
  await writeFile(join(dir, `${zone}.zone`), zoneText);
  await writeFile(
    join(dir, 'knot.conf'),
    `server:\n    rundir: "${dir}"\n    listen: 127.0.0.1@${port}\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\nlog:\n  - target: stderr\n    any: warning\ndatabase:\n    storage: "${dir}/db"\nzone:\n  - domain: ${zone}\n    storage: "${dir}"\n    file: "${zone}.zone"\n    zonefile-sync: -1\n    journal-content: none\n`,
  );
  const pinned = spawnPinned(core, ['knotd', '-c', join(dir, 'knot.conf')]);
  await answering(port, zone, pinned);
  return { server: 'knot', pinned, port };
}

/** CoreDNS's `file` plugin serving the zone, pinned to `core` (GOMAXPROCS 1: one core's worth of threads). */
export async function startCorednsZone(
  dir: string,
  zone: string,
  zoneText: string,
  core: number,
): Promise<StaticServer> {
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${zone}.zone`), zoneText);
  await writeFile(
    join(dir, 'Corefile'),
    `${zone}:${port} {\n  bind 127.0.0.1\n  file ${join(dir, `${zone}.zone`)}\n}\n`,
  );
  process.env['GOMAXPROCS'] = '1';
  const pinned = spawnPinned(core, [corednsBinary(), '-conf', join(dir, 'Corefile'), '-quiet']);
  await answering(port, zone, pinned);
  return { server: 'coredns', pinned, port };
}

async function answering(port: number, zone: string, pinned: PinnedChild): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && pinned.child.exitCode === null) {
    if ((await digAnswer(port, zone, 'SOA')).status === 'NOERROR') return;
    await sleep(50);
  }
  throw new Error(`server on port ${port} did not answer ${zone}: ${pinned.stderr()}`);
}
