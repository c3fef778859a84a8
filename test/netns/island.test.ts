import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import type { StatusReport } from '../../src/router/index.js';
import { startLabBackend, startLabRouter } from '../lab/lab-processes.js';
import { NetLab } from '../lab/net-lab.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

// The island model: two sites whose pod networks overlap (both 10.244.0.1/16) and which meet only
// over a WAN. A client in east that dials east's own import address reaches west's backend, while
// east's own 10.244.0.1 backend, same address and port as west's, is not what answers.

const available = await NetLab.available();
const inCi = process.env['CI'] === 'true';
const skip = !available && !inCi ? 'needs root and a working `ip netns` (runs in CI)' : false;

const POD = '10.244.0.1';
const BACKEND_PORT = 9000;
const IMPORT_PORT = 9100;

/** A TCP backend that answers "<name> got <request>" once the client half-closes. */
const BACKEND = `
const [name, host, port] = process.argv.slice(1);
require('node:net')
  .createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => s.end(name + ' got ' + got));
    s.on('error', () => {});
  })
  .listen(Number(port), host, () => console.log('listening'));`;

/** Sends one line, half-closes, prints the reply; exit 2 on a socket error, 3 on a timeout. */
const CLIENT = `
const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
let out = '';
s.on('data', (d) => (out += d));
s.on('end', () => { process.stdout.write(out); process.exit(0); });
s.on('error', (e) => { process.stderr.write(String(e.code || e.message)); process.exit(2); });
s.end('ping');
setTimeout(() => process.exit(3), 4000);`;

function peerLink(status: StatusReport, peer: string): StatusReport['links'][number] | undefined {
  return status.links.find((l) => l.peer === peer);
}

async function waitFor(api: ApiClient, what: string, predicate: (s: StatusReport) => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last: StatusReport | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await api.status();
    if (predicate(last)) return Date.now() - started;
    await sleep(20);
  }
  throw new Error(`${what} not within ${timeoutMs} ms; links: ${JSON.stringify(last?.links)}`);
}

test('island sites with overlapping pod networks reach each other only through the link', { skip, timeout: 90_000 }, async () => {
  assert.ok(available, 'CI=true but network namespaces are not available: run as root with iproute2 installed');
  const lab = await NetLab.create({ prefix: 'cwi' });
  const fx = await ClustersetFixture.create();
  const children: ChildProcess[] = [];
  try {
    await lab.addSite('east', { wanAddress: '192.0.2.11/24', podCidrAddress: `${POD}/16` });
    const west = await lab.addSite('west', { wanAddress: '192.0.2.12/24', podCidrAddress: `${POD}/16` });
    children.push(await startLabBackend(lab, 'west', BACKEND, POD, BACKEND_PORT), await startLabBackend(lab, 'east', BACKEND, POD, BACKEND_PORT));

    const dirs = { east: fx.dir('east'), west: fx.dir('west') };
    await Promise.all([
      fx.cli(['site', 'init', '--id', 'west', '--dir', dirs.west, '--listen', `${west.wanIp}:7443`]),
      fx.cli(['site', 'init', '--id', 'east', '--dir', dirs.east, '--listen', '192.0.2.11:7443']),
    ]);
    children.push(await startLabRouter(lab, 'west', dirs.west), await startLabRouter(lab, 'east', dirs.east));
    const eastApi = new ApiClient(sitePaths(dirs.east));

    // The token is issued from anywhere (it only reads files); `link create` dials west, so it runs in east.
    const token = join(fx.root, 'west.token');
    await writeFile(token, (await fx.cli(['token', 'issue', '--dir', dirs.west])).stdout);
    const linked = await lab.exec('east', [process.execPath, CLI_ENTRY, 'link', 'create', '--dir', dirs.east, '--token', token], { timeoutMs: 30_000 });
    assert.equal(linked.code, 0, linked.stderr);

    await fx.cli(['expose', 'web', '--namespace', 'island', '--port', '80', '--to', `${POD}:${BACKEND_PORT}`, '--dir', dirs.west]);
    await fx.cli(['import', 'web', '--namespace', 'island', '--listen', `${POD}:${IMPORT_PORT}`, '--dir', dirs.east]);
    const served = (s: StatusReport): boolean => peerLink(s, 'west')?.state === 'up' && s.imports.some((i) => i.name === 'web' && i.exporters.includes('west'));
    await waitFor(eastApi, 'east importing web from west', served, 15_000);

    const ask = (port: number) => lab.exec('east', [process.execPath, '-e', CLIENT, POD, String(port)]);
    const decoy = await ask(BACKEND_PORT);
    assert.equal(decoy.stdout, 'east got ping', 'east has its own backend on the overlapping address');
    const through = await ask(IMPORT_PORT);
    assert.equal(through.code, 0, through.stderr);
    assert.equal(through.stdout, 'west got ping', 'the import reaches west, not the look-alike address in east');

    await lab.cut('west');
    const downMs = await waitFor(eastApi, 'link down after the cut', (s) => peerLink(s, 'west')?.state !== 'up', 3_000);
    console.log(`# WAN cut: east saw the link to west down after ${downMs} ms`);
    assert.ok(downMs <= 1_500, `loss detected after ${downMs} ms`);
    const duringCut = await ask(IMPORT_PORT);
    assert.notEqual(duringCut.stdout, 'west got ping', 'no flow crosses a cut WAN');

    await lab.heal('west');
    const upMs = await waitFor(eastApi, 'link back after the heal', served, 20_000);
    console.log(`# WAN healed: link up and service re-learned after ${upMs} ms`);
    const again = await ask(IMPORT_PORT);
    assert.equal(again.stdout, 'west got ping', again.stderr);
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    await lab.destroy();
    await fx.close();
  }
});
