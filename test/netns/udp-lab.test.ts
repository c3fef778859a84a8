import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, type StatusReport } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { netnsAvailable, netnsSkip } from '../lab/netns-skip.js';
import { SiteLab } from '../lab/site-lab.js';
import type { NetLab } from '../lab/net-lab.js';

// Two sites meeting only over a WAN: west runs a real Knot DNS server and an iperf3 server on its
// own loopback, east imports them. A `dig` and `iperf3 -u` in east reach west's servers only
// through the routers; a flood through a WAN capped with tc shows drops counted, memory bounded.

const ZONE = `$ORIGIN example.test.
$TTL 60
@   SOA ns hostmaster 1 3600 600 86400 60
@   NS  ns
ns  A   192.0.2.53
www A   192.0.2.80
big TXT ${Array.from({ length: 12 }, (_, i) => `"${String(i).repeat(200)}"`).join(' ')}
`;

async function waitFor(
  api: ApiClient,
  what: string,
  predicate: (s: StatusReport) => boolean,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  let last: StatusReport | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await api.status();
    if (predicate(last)) return;
    await sleep(50);
  }
  throw new Error(`${what} not within ${timeoutMs} ms; imports: ${JSON.stringify(last?.imports)}`);
}

/** Runs `argv` in `site` until it exits 0 or `timeoutMs` passes; returns the last result. */
async function untilOk(lab: NetLab, site: string, argv: string[], timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const result = await lab.exec(site, argv, { timeoutMs: 20_000 });
    if (result.code === 0 || Date.now() - started > timeoutMs) return result;
    await sleep(100);
  }
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function dropped(metrics: string): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('causeway_udp_datagrams_dropped_total{'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

interface IperfUdp {
  end: { sum: { lost_percent: number; jitter_ms: number; packets: number; lost_packets: number } };
}

test(
  'UDP imports across a WAN: dig against Knot, iperf3 -u with loss and jitter, a flood dropped and counted',
  { skip: netnsSkip, timeout: 150_000 },
  async () => {
    assert.ok(netnsAvailable, 'CI=true but network namespaces are not available: run as root');
    const sites = await SiteLab.create('cwu');
    const { net: lab, fx } = sites;
    try {
      await lab.addSite('east', { wanAddress: '192.0.2.21/24' });
      await lab.addSite('west', { wanAddress: '192.0.2.22/24' });
      const knotDir = join(fx.root, 'knot');
      await mkdir(knotDir, { recursive: true });
      await writeFile(join(knotDir, 'example.test.zone'), ZONE);
      await writeFile(
        join(knotDir, 'knot.conf'),
        [
          'server:',
          '  listen: 127.0.0.1@5300',
          // Knot caps UDP answers at 1232 bytes by default (DNS flag day 2020); the big answer needs more.
          '  udp-max-payload: 4096',
          `  rundir: ${knotDir}`,
          'log:',
          '  - target: stderr',
          '    any: warning',
          'database:',
          `  storage: ${knotDir}`,
          'zone:',
          '  - domain: example.test',
          `    storage: ${knotDir}`,
          '    file: example.test.zone',
          '',
        ].join('\n'),
      );
      sites.track(
        lab.spawn('west', ['knotd', '-c', join(knotDir, 'knot.conf')], { stdio: 'ignore' }),
      );
      sites.track(
        lab.spawn('west', ['iperf3', '-s', '-B', '127.0.0.1', '-p', '5201'], { stdio: 'ignore' }),
      );

      const dirs = { east: fx.dir('east'), west: fx.dir('west') };
      await fx.cli([
        'site',
        'init',
        '--id',
        'west',
        '--dir',
        dirs.west,
        '--listen',
        '192.0.2.22:7443',
      ]);
      await fx.cli([
        'site',
        'init',
        '--id',
        'east',
        '--dir',
        dirs.east,
        '--listen',
        '192.0.2.21:7443',
      ]);
      await sites.startRouter('west');
      await sites.startRouter('east');
      await sites.link('east', 'west');
      const expose = (name: string, port: number, to: string, protocol: string) =>
        fx.cli([
          'expose',
          name,
          '--namespace',
          'lab',
          '--port',
          String(port),
          '--to',
          to,
          '--protocol',
          protocol,
          '--dir',
          dirs.west,
        ]);
      const importAt = (name: string, port: number, listen: string, protocol: string) =>
        fx.cli([
          'import',
          name,
          '--namespace',
          'lab',
          '--port',
          String(port),
          '--protocol',
          protocol,
          '--listen',
          listen,
          '--dir',
          dirs.east,
        ]);
      await expose('dns', 53, '127.0.0.1:5300', 'UDP');
      // iperf3 speaks TCP (control) and UDP (data) on one port: both are exported and imported.
      await expose('iperf', 5201, '127.0.0.1:5201', 'TCP');
      await expose('iperf', 5201, '127.0.0.1:5201', 'UDP');
      await importAt('dns', 53, '127.0.0.1:10053', 'UDP');
      await importAt('iperf', 5201, '127.0.0.1:15201', 'TCP');
      await importAt('iperf', 5201, '127.0.0.1:15201', 'UDP');
      const east = new ApiClient(sitePaths(dirs.east));
      await waitFor(
        east,
        'east importing dns and iperf over UDP',
        (s) =>
          s.imports.filter(
            (i) => i.kind === 'configured' && i.protocol === 'UDP' && i.exporters.includes('west'),
          ).length === 2 &&
          s.imports.some(
            (i) => i.name === 'iperf' && i.protocol === 'TCP' && i.exporters.length > 0,
          ),
        20_000,
      );

      // dig in east, Knot in west: nothing in east listens on 5300, only the import answers.
      const a = await untilOk(
        lab,
        'east',
        [
          'dig',
          '@127.0.0.1',
          '-p',
          '10053',
          'www.example.test',
          'A',
          '+short',
          '+time=1',
          '+tries=1',
        ],
        15_000,
      );
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout.trim(), '192.0.2.80');
      // A 2.4 KB answer crosses as one datagram (EDNS0 lets Knot send it over UDP, boundaries kept).
      const big = await lab.exec('east', [
        'dig',
        '@127.0.0.1',
        '-p',
        '10053',
        'big.example.test',
        'TXT',
        '+bufsize=4096',
        '+ignore',
        '+time=2',
        '+tries=2',
      ]);
      assert.match(big.stdout, /status: NOERROR/);
      assert.doesNotMatch(
        big.stdout,
        /flags:[^;]* tc/,
        'the answer came whole over UDP, not truncated',
      );
      assert.match(big.stdout, /MSG SIZE {2}rcvd: (2[4-9]\d\d|[3-9]\d\d\d)/);

      // iperf3 -u at a fixed rate through both routers: loss and jitter as iperf3 measures them.
      const iperf = await untilOk(
        lab,
        'east',
        [
          'iperf3',
          '-c',
          '127.0.0.1',
          '-p',
          '15201',
          '-u',
          '-b',
          '20M',
          '-l',
          '1200',
          '-t',
          '3',
          '--json',
        ],
        15_000,
      );
      assert.equal(iperf.code, 0, iperf.stdout.slice(0, 500) + iperf.stderr);
      const fixed = (JSON.parse(iperf.stdout) as IperfUdp).end.sum;
      console.log(
        `# iperf3 -u 20 Mbit/s through two routers: ${fixed.packets} datagrams, loss ${fixed.lost_percent.toFixed(3)} %, jitter ${fixed.jitter_ms.toFixed(3)} ms`,
      );
      assert.ok(fixed.packets > 1000, `iperf3 counted ${fixed.packets} datagrams`);
      assert.ok(fixed.lost_percent < 5, `loss ${fixed.lost_percent} % at 20 Mbit/s`);

      // A flood: the WAN capped at 20 Mbit/s, 400 Mbit/s offered. The routers drop what the link
      // cannot carry and count it; memory stays flat.
      const pid = (await east.runtime())?.pid ?? 0;
      const before = { rss: rssOf(pid), dropped: dropped(await east.metrics()) };
      const shaped = await lab.exec('east', [
        'tc',
        'qdisc',
        'add',
        'dev',
        'wan0',
        'root',
        'tbf',
        'rate',
        '20mbit',
        'burst',
        '64kb',
        'latency',
        '100ms',
      ]);
      assert.equal(shaped.code, 0, shaped.stderr);
      const flood = await lab.exec(
        'east',
        [
          'iperf3',
          '-c',
          '127.0.0.1',
          '-p',
          '15201',
          '-u',
          '-b',
          '400M',
          '-l',
          '1200',
          '-t',
          '4',
          '--json',
        ],
        { timeoutMs: 30_000 },
      );
      await lab.exec('east', ['tc', 'qdisc', 'del', 'dev', 'wan0', 'root']);
      const flooded = (JSON.parse(flood.stdout) as IperfUdp).end.sum;
      const after = { rss: rssOf(pid), dropped: dropped(await east.metrics()) };
      const offeredMiB = (flooded.packets * 1200) / 2 ** 20;
      console.log(
        `# flood through a 20 Mbit/s WAN: ${flooded.packets} datagrams offered (${offeredMiB.toFixed(0)} MiB), iperf3 loss ${flooded.lost_percent.toFixed(1)} %, ${after.dropped - before.dropped} dropped and counted by east, east RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB`,
      );
      assert.ok(after.dropped > before.dropped, 'datagrams the link could not take were counted');
      assert.ok(
        after.rss - before.rss < 64 * 2 ** 20,
        `east grew by ${((after.rss - before.rss) / 2 ** 20).toFixed(0)} MiB during the flood`,
      );
      // And the link still carries DNS afterwards.
      const again = await untilOk(
        lab,
        'east',
        [
          'dig',
          '@127.0.0.1',
          '-p',
          '10053',
          'www.example.test',
          'A',
          '+short',
          '+time=1',
          '+tries=1',
        ],
        15_000,
      );
      assert.equal(again.stdout.trim(), '192.0.2.80');
    } finally {
      await sites.close();
    }
  },
);
