// `npm run bench:udp`: datagrams per second that cross at most 0.1 % loss, through two Causeway
// routers (site b imports what site a exports, on loopback) against the same iperf3 server dialled
// directly, in one run. For each offered rate of a rising ladder, iperf3 -u runs once direct and
// once through the routers, back to back; the figure is the highest rate each path carried within
// 0.1 % loss. The machine is shared: the load average is printed at the start and the end.
// Usage: node dist/bench/udp/udp-rate.js [--seconds 3] [--length 1200]
import { execFile, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { stopChild } from '../../src/demo/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { freePort } from '../../test/support/tcp-probes.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    length: { type: 'string', default: '1200' },
  },
});
const seconds = Number(values.seconds);
const length = Number(values.length);
/** Offered rates in Mbit/s; the ladder stops for a path once it loses more than the bound twice. */
const LADDER = [10, 25, 50, 100, 200, 400, 800];
const LOSS_BOUND = 0.1;

interface Sample {
  mbit: number;
  datagramsPerSecond: number;
  lossPercent: number;
  jitterMs: number;
}

async function iperf(port: number, mbit: number): Promise<Sample> {
  const { stdout } = await run(
    'iperf3',
    [
      '-c',
      '127.0.0.1',
      '-p',
      String(port),
      '-u',
      '-b',
      `${mbit}M`,
      '-l',
      String(length),
      '-t',
      String(seconds),
      '--json',
    ],
    { timeout: (seconds + 20) * 1000, maxBuffer: 1 << 24 },
  );
  const sum = (
    JSON.parse(stdout) as {
      end: {
        sum: {
          packets: number;
          lost_packets: number;
          lost_percent: number;
          jitter_ms: number;
          seconds: number;
        };
      };
    }
  ).end.sum;
  return {
    mbit,
    datagramsPerSecond: (sum.packets - sum.lost_packets) / sum.seconds,
    lossPercent: sum.lost_percent,
    jitterMs: sum.jitter_ms,
  };
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(
    `bench:udp — iperf3 -u, ${length}-byte datagrams, ${seconds} s per step; load average at start: ${load()}`,
  );
  const fx = await ClustersetFixture.create();
  const serverPort = await freePort();
  const server = spawn('iperf3', ['-s', '-B', '127.0.0.1', '-p', String(serverPort)], {
    stdio: 'ignore',
  });
  try {
    await fx.initClusterset(['a', 'b']);
    await fx.startRouter('a');
    await fx.startRouter('b');
    await fx.link('b', 'a');
    for (const protocol of ['TCP', 'UDP'])
      await fx.cli([
        'expose',
        'iperf',
        '--namespace',
        'bench',
        '--port',
        '5201',
        '--to',
        `127.0.0.1:${serverPort}`,
        '--protocol',
        protocol,
        '--check',
        'none',
        '--dir',
        fx.dir('a'),
      ]);
    const importPort = await freePort();
    for (const protocol of ['TCP', 'UDP'])
      await fx.cli([
        'import',
        'iperf',
        '--namespace',
        'bench',
        '--port',
        '5201',
        '--protocol',
        protocol,
        '--listen',
        `127.0.0.1:${importPort}`,
        '--dir',
        fx.dir('b'),
      ]);
    await fx.waitFor(
      'b',
      (s) =>
        s.imports.filter(
          (i) => i.name === 'iperf' && i.kind === 'configured' && i.exporters.length > 0,
        ).length === 2,
    );
    const paths = { direct: serverPort, routers: importPort } as const;
    const samples: Record<keyof typeof paths, Sample[]> = { direct: [], routers: [] };
    const misses = { direct: 0, routers: 0 };
    for (const mbit of LADDER) {
      for (const path of ['direct', 'routers'] as const) {
        if (misses[path] >= 2) continue;
        const sample = await iperf(paths[path], mbit).catch((err: unknown) => {
          console.log(`  ${path} at ${mbit} Mbit/s failed: ${String(err)}`);
          return undefined;
        });
        if (sample === undefined) {
          misses[path] += 1;
          continue;
        }
        samples[path].push(sample);
        if (sample.lossPercent > LOSS_BOUND) misses[path] += 1;
        console.log(
          `  ${path.padEnd(7)} offered ${String(mbit).padStart(4)} Mbit/s: ${sample.datagramsPerSecond.toFixed(0).padStart(7)} datagrams/s, loss ${sample.lossPercent.toFixed(3)} %, jitter ${sample.jitterMs.toFixed(3)} ms`,
        );
      }
    }
    const best = (path: keyof typeof paths): Sample | undefined =>
      samples[path]
        .filter((s) => s.lossPercent <= LOSS_BOUND)
        .sort((x, y) => y.datagramsPerSecond - x.datagramsPerSecond)[0];
    const direct = best('direct');
    const routed = best('routers');
    console.log(`\nhighest rate within ${LOSS_BOUND} % loss (same run):`);
    console.log(
      `  direct to iperf3:     ${direct?.datagramsPerSecond.toFixed(0) ?? 'none'} datagrams/s (offered ${direct?.mbit ?? '-'} Mbit/s)`,
    );
    console.log(
      `  through two routers:  ${routed?.datagramsPerSecond.toFixed(0) ?? 'none'} datagrams/s (offered ${routed?.mbit ?? '-'} Mbit/s)`,
    );
    if (direct !== undefined && routed !== undefined)
      console.log(
        `  ratio routers/direct: ${(routed.datagramsPerSecond / direct.datagramsPerSecond).toFixed(2)}×`,
      );
    console.log(`load average at end: ${load()}`);
  } finally {
    await stopChild(server);
    await fx.close();
  }
}

await main();
