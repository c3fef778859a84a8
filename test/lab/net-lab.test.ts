import * as assert from 'node:assert/strict';
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { NetLab } from './net-lab.js';
import { netnsAvailable, netnsSkip } from './netns-skip.js';

const run = promisify(execFile);
const hasPing = spawnSync('ping', ['-V'], { timeout: 5_000 }).status === 0;

// Without iputils-ping, a TCP connect from a throwaway node process is just as good a probe.
const TCP_PROBE = `
const s = require('node:net').connect({ host: process.argv[1], port: 9 });
s.setTimeout(1000, () => process.exit(1));
s.on('connect', () => process.exit(0));
s.on('error', (e) => process.exit(e.code === 'ECONNREFUSED' ? 0 : 1));`;

/** True when `from` gets an answer from `address` (an echo reply, or a RST from a closed port). */
async function reaches(lab: NetLab, from: string, address: string): Promise<boolean> {
  const argv = hasPing
    ? ['ping', '-c1', '-W1', address]
    : [process.execPath, '-e', TCP_PROBE, address];
  return (await lab.exec(from, argv)).code === 0;
}

// A bridge port coming back up may take a moment to forward again.
async function reachesSoon(lab: NetLab, from: string, address: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await reaches(lab, from, address)) return true;
    await sleep(200);
  }
  return false;
}

async function listNamespaces(): Promise<string> {
  return (await run('ip', ['netns', 'list'])).stdout;
}

test(
  'NetLab builds sites with overlapping pod addresses, partitions and heals them, and cleans up',
  { skip: netnsSkip, timeout: 60_000 },
  async () => {
    assert.ok(
      netnsAvailable,
      'CI=true but NetLab is not available: run as root with iproute2 installed',
    );
    const lab = await NetLab.create({ prefix: 'cwt' });
    let namespaces: readonly string[];
    let server: ChildProcess | undefined;
    try {
      const east = await lab.addSite('east', {
        wanAddress: '192.0.2.11/24',
        podCidrAddress: '10.244.0.1/16',
      });
      const west = await lab.addSite('west', {
        wanAddress: '192.0.2.12/24',
        podCidrAddress: '10.244.0.1/16',
      });
      namespaces = lab.namespaces;
      assert.equal(namespaces.length, 3);

      for (const site of ['east', 'west']) {
        const addresses = await lab.exec(site, ['ip', '-o', 'addr', 'show']);
        assert.match(
          addresses.stdout,
          /inet 10\.244\.0\.1\/16/,
          `${site} has the shared pod address`,
        );
      }
      assert.ok(await reaches(lab, 'east', west.wanIp), 'east reaches west over the WAN');
      assert.ok(await reaches(lab, 'west', east.wanIp), 'west reaches east over the WAN');

      await lab.cut('west');
      assert.equal(await reaches(lab, 'east', west.wanIp), false, 'a cut blocks east -> west');
      assert.equal(await reaches(lab, 'west', east.wanIp), false, 'a cut blocks west -> east');
      await lab.heal('west');
      assert.ok(await reachesSoon(lab, 'east', west.wanIp), 'a heal restores east -> west');

      server = lab.spawn(
        'west',
        [
          process.execPath,
          '-e',
          "require('node:net').createServer((s) => s.end('hi')).listen(7000, '192.0.2.12', () => console.log('up'))",
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await once(server.stdout ?? server, 'data');
      const probe =
        "require('node:net').connect(7000, '192.0.2.12').on('data', (d) => process.stdout.write(d))";
      assert.equal(
        (await lab.exec('east', [process.execPath, '-e', probe])).stdout,
        'hi',
        'TCP flows east -> west',
      );
    } finally {
      await lab.destroy();
    }
    const left = await listNamespaces();
    for (const namespace of namespaces)
      assert.ok(!left.includes(namespace), `${namespace} deleted`);
    if (server !== undefined && server.exitCode === null && server.signalCode === null)
      await once(server, 'exit');
    assert.equal(server?.signalCode, 'SIGKILL', 'destroy killed the spawned server');
  },
);
