// `npm run bench:drills`: latency and loss drills measured with the latency bench (1 KiB
// ping-pong over one kept connection through a Causeway import). Two linked routers on
// loopback; each drill's p50/p99 is printed beside the baseline measured in the same run just
// before it, with the added time against what the drill asked for, and the load average at the
// start and end (the machine is shared). Writes bench/results/drill-latency.json.
// Usage: node dist/bench/drills/drill-latency.js [--rounds 300] [--add 50,150,300] [--loss 1,5]
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { formatFigure, textTable } from '../discovery/text-table.js';
import { measureLatency } from '../workloads/latency.js';
import { peerTarget } from '../workloads/peer-target.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '300' },
    add: { type: 'string', default: '50,150,300' },
    loss: { type: 'string', default: '1,5' },
  },
});
const ROUNDS = { warmup: 30, rounds: Number(values.rounds), deadlineMs: 120_000 };
const RESULTS = new URL('../../../bench/results/drill-latency.json', import.meta.url);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Row {
  drill: string;
  baselineP50: number;
  p50: number;
  baselineP99: number;
  p99: number;
  requested: number | null;
}

async function main(): Promise<void> {
  const loadAtStart = load();
  console.log(`load average at start: ${loadAtStart}`);
  const fx = await ClustersetFixture.create();
  const echo = await peerTarget('echo-server');
  const rows: Row[] = [];
  try {
    await fx.initClusterset(['a', 'b']);
    await fx.expose('b', 'echo.bench', 7000, `127.0.0.1:${echo.port}`, ['--check', 'none']);
    await fx.importService('a', 'echo.bench');
    await fx.startRouter('a');
    await fx.startRouter('b');
    await fx.link('b', 'a');
    const at = await fx.importAddress('a', 'echo.bench');
    const api = new ApiClient(sitePaths(fx.dir('a')));
    const run = async (label: string, args: string[], requested: number | null): Promise<void> => {
      const baseline = await measureLatency(at, ROUNDS);
      const started = await fx.cli([
        'drill',
        ...args,
        '--between',
        'a,b',
        '--for',
        '10m',
        '--yes',
        '--dir',
        fx.dir('a'),
        '--output',
        'json',
      ]);
      const { id } = JSON.parse(started.stdout) as { id: string };
      const slowed = await measureLatency(at, ROUNDS);
      await fx.cli(['drill', 'stop', id, '--dir', fx.dir('a')]);
      while ((await api.drills()).some((d) => d.ended === null))
        await new Promise((r) => setTimeout(r, 20));
      rows.push({
        drill: label,
        ...{ baselineP50: baseline.figures['p50Ms'] ?? NaN, p50: slowed.figures['p50Ms'] ?? NaN },
        ...{ baselineP99: baseline.figures['p99Ms'] ?? NaN, p99: slowed.figures['p99Ms'] ?? NaN },
        requested,
      });
    };
    for (const add of values.add.split(',').map(Number))
      await run(`latency +${add}ms`, ['latency', '--add', `${add}ms`], add);
    for (const p of values.loss.split(',').map(Number))
      await run(`loss ${p}%`, ['loss', '--percent', String(p)], null);
  } finally {
    await echo.stop();
    await fx.close();
  }
  console.log(
    textTable(`drills on the a–b link, ${ROUNDS.rounds} rounds each (1 KiB ping-pong)`, [
      [
        'DRILL',
        'BASELINE P50 ms',
        'P50 ms',
        'ADDED P50 ms',
        'REQUESTED ms',
        'ERROR',
        'BASELINE P99 ms',
        'P99 ms',
      ],
      ...rows.map((r) => {
        const added = r.p50 - r.baselineP50;
        return [
          r.drill,
          formatFigure(r.baselineP50),
          formatFigure(r.p50),
          formatFigure(added),
          r.requested === null ? '-' : String(r.requested),
          r.requested === null
            ? '-'
            : `${(((added - r.requested) / r.requested) * 100).toFixed(1)} %`,
          formatFigure(r.baselineP99),
          formatFigure(r.p99),
        ];
      }),
    ]),
  );
  const loadAtEnd = load();
  console.log(`load average at end: ${loadAtEnd}`);
  await mkdir(new URL('.', RESULTS), { recursive: true });
  await writeFile(
    RESULTS,
    `${JSON.stringify({ rounds: ROUNDS.rounds, loadAtStart, loadAtEnd, rows }, null, 2)}\n`,
  );
}

await main();
