import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, type DrillReport, type DrillView } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { RETRANSMIT_MS, signDrill } from '../../src/drill/index.js';
import { createClustersetCa } from '../../src/pki/index.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureLatency } from '../../bench/workloads/latency.js';
import { peerTarget } from '../../bench/workloads/peer-target.js';
import type { RunningTarget } from '../../bench/workloads/workload.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

// Drills on real routers (one process per site, loopback links): a partition staged by the
// links themselves drives the partition view and safe mode as a real one would, ends on time at
// every router even when the site that started it is killed, refuses what is not signed by the
// clusterset CA or has expired, and latency and loss drills are measured with the latency bench.

const SITES = ['a', 'b', 'c'];

async function drill(fx: ClustersetFixture, args: string[], allowFailure = false) {
  return fx.cli(['drill', ...args, '--dir', fx.dir('a'), '--output', 'json'], allowFailure);
}

const api = (fx: ClustersetFixture, site: string) => new ApiClient(sitePaths(fx.dir(site)));

/** Polls until `site`'s drills match, or fails after `timeoutMs`. */
async function waitForDrills(
  fx: ClustersetFixture,
  site: string,
  predicate: (d: DrillView[]) => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await api(fx, site).drills();
    if (predicate(list)) return Date.now();
    if (Date.now() > deadline) throw new Error(`${site} drills: ${JSON.stringify(list)}`);
    await sleep(25);
  }
}

describe('failure drills', () => {
  let fx: ClustersetFixture;
  let echo: RunningTarget;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(SITES);
    echo = await peerTarget('echo-server');
    await fx.expose('b', 'echo.bench', 7000, `127.0.0.1:${echo.port}`, ['--check', 'none']);
    await fx.importService('a', 'echo.bench');
    // c holds no CA key, as a site that joined with a token: it may not start drills.
    await rm(sitePaths(fx.dir('c')).caKey);
    for (const site of SITES) await fx.startRouter(site);
    await fx.link('b', 'a');
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    for (const site of SITES)
      await fx.waitFor(
        site,
        (s) =>
          s.partition?.reachable.length === 3 &&
          s.links.every((l) => l.state === 'up') &&
          s.links.length === 2,
      );
  });

  after(async () => {
    await echo?.stop();
    await fx?.close();
  });

  it('needs --yes without a terminal, and the CA key', async () => {
    const unconfirmed = await drill(fx, ['partition', '--isolate', 'c', '--for', '5s'], true);
    assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
    assert.match(unconfirmed.stderr + unconfirmed.stdout, /--yes/);
    const elsewhere = await fx.cli(
      ['drill', 'partition', '--isolate', 'c', '--for', '5s', '--yes', '--dir', fx.dir('c')],
      true,
    );
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /CA key/);
    assert.match(elsewhere.stderr, /hint:/);
    const unknown = await drill(
      fx,
      ['partition', '--isolate', 'mars', '--for', '5s', '--yes'],
      true,
    );
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--isolate: mars is not a member/);
    assert.deepEqual(await api(fx, 'c').drills(), []);
  });

  it('refuses a drill signed by another CA, an expired one and a replay, at the API and on the wire', async () => {
    const foreign = await createClustersetCa({ trustDomain: 'elsewhere.test' });
    const now = Date.now();
    const base = { type: 'drill' as const, kind: 'partition' as const, sites: ['c'], issuer: 'a' };
    const forged = signDrill(
      { ...base, id: '1'.repeat(32), issuedAt: now, endsAt: now + 60_000 },
      foreign.keyPem,
    );
    await assert.rejects(api(fx, 'b').submitDrill(forged), {
      code: 'CW_DRILL_REFUSED',
      message: /not signed by the clusterset CA/,
    });
    const caKey = await readFile(sitePaths(fx.dir('a')).caKey, 'utf8');
    const expired = signDrill(
      { ...base, id: '2'.repeat(32), issuedAt: now - 120_000, endsAt: now - 60_000 },
      caKey,
    );
    await assert.rejects(api(fx, 'b').submitDrill(expired), {
      code: 'CW_DRILL_REFUSED',
      message: /expired/,
    });
    const stretched = {
      ...signDrill({ ...base, id: '3'.repeat(32), issuedAt: now, endsAt: now + 1_000 }, caKey),
      endsAt: now + 3_600_000,
    };
    await assert.rejects(api(fx, 'c').submitDrill(stretched), { code: 'CW_DRILL_REFUSED' });
    for (const site of SITES)
      assert.deepEqual(await api(fx, site).drills(), [], `nothing in force at ${site}`);
  });

  it('a partition drill drives safe mode as a real partition, and ends on time everywhere', async () => {
    const started = await drill(fx, ['partition', '--isolate', 'c', '--for', '4s', '--yes']);
    const view = JSON.parse(started.stdout) as DrillView;
    const endsAt = Date.parse(view.endsAt);
    const minority = await fx.waitFor('c', (s) => s.partition?.majority === false, 4_000);
    assert.deepEqual(minority.partition?.unreachable, ['a', 'b']);
    assert.equal(minority.drills?.[0]?.id, view.id, 'status shows the drill in force');
    assert.match(
      await fx.cli(['status', '--dir', fx.dir('c')]).then((r) => r.stdout),
      /DRILL IN FORCE/,
    );
    const majority = await fx.waitFor(
      'a',
      (s) => s.partition?.unreachable.includes('c') === true,
      4_000,
    );
    assert.equal(majority.partition?.majority, true);
    assert.match(await api(fx, 'b').metrics(), /causeway_drill_active\{kind="partition"\} 1/);
    for (const site of SITES) {
      const endedAt = await waitForDrills(
        fx,
        site,
        (d) => d.length === 1 && d[0]?.ended === 'deadline',
        8_000,
      );
      assert.ok(
        endedAt - endsAt < 1_500,
        `${site} ended the drill ${endedAt - endsAt} ms after its deadline`,
      );
    }
    await fx.waitFor(
      'c',
      (s) => s.partition?.majority === true && s.links.every((l) => l.state === 'up'),
      8_000,
    );
    assert.match(await api(fx, 'b').metrics(), /causeway_drill_active\{kind="partition"\} 0/);
    const report = await api(fx, 'c').drillReport(view.id);
    assert.deepEqual(report.linksLost.map((l) => l.peer).sort(), ['a', 'b']);
    for (const l of report.linksLost)
      assert.ok(
        l.afterMs >= 800,
        `loss noticed after the liveness bound, not at once (${l.afterMs} ms)`,
      );
    assert.deepEqual(
      report.safeMode.map((s) => s.majority),
      [false, true],
    );
    assert.deepEqual(report.linksBack.map((l) => l.peer).sort(), ['a', 'b']);
    const text = await fx.cli(['drill', 'report', view.id, '--dir', fx.dir('c')]);
    assert.match(text.stdout, /MINORITY \(safe mode\)/);
  });

  it('a drill outlives the site that started it: killed, its drill still ends on time everywhere', async () => {
    const started = await drill(fx, ['site-loss', '--site', 'c', '--for', '3s', '--yes']);
    const view = JSON.parse(started.stdout) as DrillView;
    await waitForDrills(fx, 'c', (d) => d.some((v) => v.id === view.id && v.ended === null), 3_000);
    await waitForDrills(fx, 'b', (d) => d.some((v) => v.id === view.id && v.ended === null), 3_000);
    fx.routers.get('a')?.child.kill('SIGKILL');
    fx.routers.delete('a');
    const endsAt = Date.parse(view.endsAt);
    for (const site of ['b', 'c']) {
      const endedAt = await waitForDrills(
        fx,
        site,
        (d) => d.some((v) => v.id === view.id && v.ended === 'deadline'),
        8_000,
      );
      assert.ok(
        endedAt - endsAt < 1_500,
        `${site} ended ${endedAt - endsAt} ms after the deadline`,
      );
    }
    await fx.waitFor('c', (s) => s.links.some((l) => l.peer === 'b' && l.state === 'up'), 8_000);
    await fx.startRouter('a');
    for (const site of SITES)
      await fx.waitFor(
        site,
        (s) => s.links.length === 2 && s.links.every((l) => l.state === 'up'),
        20_000,
      );
    const report: DrillReport = await api(fx, 'b').drillReport(view.id);
    // b lost c to the drill (and a to the kill).
    assert.ok(report.linksLost.some((l) => l.peer === 'c' && l.afterMs >= 800));
  });

  it('a latency drill adds the requested round trip (within 10 %), a loss drill retransmission stalls', async () => {
    const at = await fx.importAddress('a', 'echo.bench');
    const rounds = { warmup: 20, rounds: 60, deadlineMs: 30_000 };
    const baseline = await measureLatency(at, rounds);
    await drill(fx, ['latency', '--between', 'a,b', '--add', '150ms', '--for', '40s', '--yes']);
    await waitForDrills(
      fx,
      'b',
      (d) => d.some((v) => v.kind === 'latency' && v.ended === null),
      3_000,
    );
    const slowed = await measureLatency(at, rounds);
    const added = (slowed.figures['p50Ms'] ?? 0) - (baseline.figures['p50Ms'] ?? 0);
    console.log(
      `# latency drill +150ms: p50 ${baseline.figures['p50Ms']?.toFixed(2)} → ${slowed.figures['p50Ms']?.toFixed(2)} ms (added ${added.toFixed(1)} ms)`,
    );
    assert.ok(Math.abs(added - 150) <= 15, `added ${added.toFixed(1)} ms, requested 150`);
    const id =
      (await api(fx, 'a').drills()).find((d) => d.kind === 'latency' && d.ended === null)?.id ?? '';
    await fx.cli(['drill', 'stop', id, '--dir', fx.dir('a')]);
    await waitForDrills(fx, 'b', (d) => d.every((v) => v.ended !== null), 3_000);
    const healed = await measureLatency(at, rounds);
    assert.ok(
      (healed.figures['p50Ms'] ?? 0) - (baseline.figures['p50Ms'] ?? 0) < 15,
      'stopped: the delay is gone',
    );
    await drill(fx, ['loss', '--between', 'a,b', '--percent', '5', '--for', '40s', '--yes']);
    await waitForDrills(
      fx,
      'b',
      (d) => d.some((v) => v.kind === 'loss' && v.ended === null),
      3_000,
    );
    // 200 rounds: about 20 of them lose a segment, so the p99 sits on the retransmission delay.
    const lossy = await measureLatency(at, { warmup: 20, rounds: 200, deadlineMs: 60_000 });
    console.log(
      `# loss drill 5%: p50 ${lossy.figures['p50Ms']?.toFixed(2)} ms, p99 ${lossy.figures['p99Ms']?.toFixed(2)} ms (baseline p99 ${baseline.figures['p99Ms']?.toFixed(2)})`,
    );
    // A lost segment arrives one retransmission timeout late. Judged against the timeout itself,
    // not the baseline's p99, which a loaded machine inflates by tens of milliseconds.
    assert.ok(
      (lossy.figures['p99Ms'] ?? 0) >= 0.9 * RETRANSMIT_MS,
      `lost segments cost a retransmission timeout (${RETRANSMIT_MS} ms): p99 ${lossy.figures['p99Ms']} ms`,
    );
    assert.ok(
      (lossy.figures['p50Ms'] ?? 0) - (baseline.figures['p50Ms'] ?? 0) < 100,
      'most round trips lose nothing',
    );
  });

  it('an admin key from `causeway admin issue` starts and stops a drill from a site without the CA key', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cw-drill-admin-'));
    try {
      await fx.cli(['admin', 'issue', '--name', 'ops', '--dir', fx.dir('a'), '--out', out]);
      const admin = [
        '--admin-key',
        join(out, 'admin-ops.key'),
        '--admin-cert',
        join(out, 'admin-ops.crt'),
      ];
      const half = await fx.cli(
        [
          'drill',
          'latency',
          '--between',
          'a,b',
          '--add',
          '5ms',
          '--for',
          '30s',
          '--yes',
          '--dir',
          fx.dir('c'),
          admin[0]!,
          admin[1]!,
        ],
        true,
      );
      assert.equal(half.code, 2);
      assert.match(half.stderr, /--admin-cert: missing/);
      const started = await fx.cli([
        'drill',
        'latency',
        '--between',
        'a,b',
        '--add',
        '5ms',
        '--for',
        '30s',
        '--yes',
        '--dir',
        fx.dir('c'),
        ...admin,
        '--output',
        'json',
      ]);
      const view = JSON.parse(started.stdout) as DrillView;
      assert.equal(view.issuer, 'c');
      for (const site of SITES)
        await waitForDrills(
          fx,
          site,
          (d) => d.some((x) => x.id === view.id && x.ended === null),
          5_000,
        );
      await fx.cli(['drill', 'stop', view.id, '--dir', fx.dir('c'), ...admin]);
      for (const site of SITES)
        await waitForDrills(
          fx,
          site,
          (d) => d.some((x) => x.id === view.id && x.ended === 'stopped'),
          5_000,
        );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
