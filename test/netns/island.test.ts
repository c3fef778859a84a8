import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import type { StatusReport } from '../../src/api/index.js';
import { netnsAvailable, netnsSkip } from '../lab/netns-skip.js';
import { SiteLab } from '../lab/site-lab.js';

// The island model: two sites whose pod networks overlap (both 10.244.0.1/16) and which meet only
// over a WAN. A client in east that dials east's own import address reaches west's backend, while
// east's own 10.244.0.1 backend, same address and port as west's, is not what answers.

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

async function waitFor(
  api: ApiClient,
  what: string,
  predicate: (s: StatusReport) => boolean,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let last: StatusReport | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await api.status();
    if (predicate(last)) return Date.now() - started;
    await sleep(20);
  }
  throw new Error(`${what} not within ${timeoutMs} ms; links: ${JSON.stringify(last?.links)}`);
}

test(
  'island sites with overlapping pod networks reach each other only through the link',
  { skip: netnsSkip, timeout: 90_000 },
  async () => {
    assert.ok(
      netnsAvailable,
      'CI=true but network namespaces are not available: run as root with iproute2 installed',
    );
    const sites = await SiteLab.create('cwi');
    const { net: lab, fx } = sites;
    try {
      await lab.addSite('east', { wanAddress: '192.0.2.11/24', podCidrAddress: `${POD}/16` });
      const west = await lab.addSite('west', {
        wanAddress: '192.0.2.12/24',
        podCidrAddress: `${POD}/16`,
      });
      await sites.startBackend('west', BACKEND, POD, BACKEND_PORT);
      await sites.startBackend('east', BACKEND, POD, BACKEND_PORT);

      const dirs = { east: fx.dir('east'), west: fx.dir('west') };
      await Promise.all([
        fx.cli([
          'site',
          'init',
          '--id',
          'west',
          '--dir',
          dirs.west,
          '--listen',
          `${west.wanIp}:7443`,
        ]),
        fx.cli(['site', 'init', '--id', 'east', '--dir', dirs.east, '--listen', '192.0.2.11:7443']),
      ]);
      await sites.startRouter('west');
      await sites.startRouter('east');
      const eastApi = new ApiClient(sitePaths(dirs.east));
      await sites.link('east', 'west');

      await fx.cli([
        'expose',
        'web',
        '--namespace',
        'island',
        '--port',
        '80',
        '--to',
        `${POD}:${BACKEND_PORT}`,
        '--dir',
        dirs.west,
      ]);
      await fx.cli([
        'import',
        'web',
        '--namespace',
        'island',
        '--listen',
        `${POD}:${IMPORT_PORT}`,
        '--dir',
        dirs.east,
      ]);
      const served = (s: StatusReport): boolean =>
        peerLink(s, 'west')?.state === 'up' &&
        s.imports.some((i) => i.name === 'web' && i.exporters.includes('west'));
      await waitFor(eastApi, 'east importing web from west', served, 15_000);

      const ask = (port: number) =>
        lab.exec('east', [process.execPath, '-e', CLIENT, POD, String(port)]);
      const decoy = await ask(BACKEND_PORT);
      assert.equal(
        decoy.stdout,
        'east got ping',
        'east has its own backend on the overlapping address',
      );
      const through = await ask(IMPORT_PORT);
      assert.equal(through.code, 0, through.stderr);
      assert.equal(
        through.stdout,
        'west got ping',
        'the import reaches west, not the look-alike address in east',
      );

      await lab.cut('west');
      const downMs = await waitFor(
        eastApi,
        'link down after the cut',
        (s) => peerLink(s, 'west')?.state !== 'up',
        3_000,
      );
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
      await sites.close();
    }
  },
);
