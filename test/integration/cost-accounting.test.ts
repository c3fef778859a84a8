import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CostReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { metricValue, waitForMetrics } from '../support/router-observations.js';
import { roundTrip } from '../support/tcp-probes.js';

const GIB = 1024 ** 3;
/** Where each site is: the client's site c shares its zone with d; e is another zone, f another region. */
const PLACES = {
  c: ['use1-az1', 'us-east-1'],
  d: ['use1-az1', 'us-east-1'],
  e: ['use1-az2', 'us-east-1'],
  f: ['euw1-az1', 'eu-west-1'],
} as const;

/** A backend that reads the whole request, then answers three bytes for each byte it got. */
async function startTriplingServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    let got = 0;
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => (got += c.length));
    s.on('end', () => s.end(Buffer.alloc(got * 3, 1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

describe('cost accounting across sites in distinct zones and regions', () => {
  let fx: ClustersetFixture;
  let backend: { server: Server; port: number };

  before(async () => {
    fx = await ClustersetFixture.create();
    backend = await startTriplingServer();
    const created = await fx.cli([
      ...['site', 'init', '--id', 'c', '--dir', fx.dir('c'), '--listen', '127.0.0.1:0'],
      ...['--zone', PLACES.c[0], '--region', PLACES.c[1], '--output', 'json'],
    ]);
    const { trustDomain } = JSON.parse(created.stdout) as { trustDomain: string };
    for (const site of ['d', 'e', 'f'] as const)
      await fx.initSite(site, [
        ...['--zone', PLACES[site][0], '--region', PLACES[site][1]],
        ...['--ca-dir', fx.dir('c'), '--trust-domain', trustDomain],
      ]);
    const expose = (site: string, name: string): Promise<unknown> =>
      fx.cli([
        ...['expose', name, '--namespace', 'shop', '--port', '7000'],
        ...['--to', `127.0.0.1:${backend.port}`, '--dir', fx.dir(site)],
      ]);
    await expose('e', 'cross');
    await expose('f', 'far');
    await expose('d', 'near');
    await expose('e', 'near');
    for (const name of ['cross', 'far', 'near'])
      await fx.cli([
        'import',
        name,
        '--namespace',
        'shop',
        '--listen',
        '127.0.0.1:0',
        '--dir',
        fx.dir('c'),
      ]);
    await fx.cli([
      ...['policy', 'set', 'near', '--namespace', 'shop', '--locality', 'prefer-close'],
      ...['--dir', fx.dir('c')],
    ]);
    for (const site of ['c', 'd', 'e', 'f']) await fx.startRouter(site);
    for (const site of ['d', 'e', 'f']) await fx.link('c', site);
    await fx.waitFor('c', (s) =>
      ['cross', 'far', 'near'].every((n) =>
        s.imports.some(
          (i) =>
            i.name === n &&
            i.kind === 'configured' &&
            i.exporters.length === (n === 'near' ? 2 : 1),
        ),
      ),
    );
  });

  after(async () => {
    await fx.close();
    backend.server.close();
  });

  it('counts the bytes sent each way by zone and region pair and prices them at list prices', async () => {
    const sent = { cross: 300_000, far: 200_000 };
    for (const [name, bytes] of Object.entries(sent)) {
      const reply = await roundTrip(
        await fx.importAddress('c', `${name}.shop`),
        Buffer.alloc(bytes, 2),
      );
      assert.equal(reply.length, bytes * 3);
    }
    const router = fx.routers.get('c');
    assert.ok(router);
    const labels = (from: keyof typeof PLACES, to: keyof typeof PLACES, service: string) => ({
      src_zone: PLACES[from][0],
      src_region: PLACES[from][1],
      dst_zone: PLACES[to][0],
      dst_region: PLACES[to][1],
      service,
      namespace: 'shop',
    });
    const text = await waitForMetrics(
      router,
      (t) =>
        metricValue(t, 'causeway_transfer_bytes_total', { service: 'far', src_zone: 'euw1-az1' }) >
        0,
    );
    const bytes = (l: Record<string, string>): number =>
      metricValue(text, 'causeway_transfer_bytes_total', l);
    const dollars = (l: Record<string, string>): number =>
      metricValue(text, 'causeway_transfer_cost_dollars_total', l);
    assert.equal(bytes(labels('c', 'e', 'cross')), sent.cross);
    assert.equal(bytes(labels('e', 'c', 'cross')), sent.cross * 3);
    assert.equal(bytes(labels('c', 'f', 'far')), sent.far);
    assert.equal(bytes(labels('f', 'c', 'far')), sent.far * 3);
    // AWS: $0.01/GiB out of one zone plus $0.01/GiB into the other; $0.02/GiB from region to region.
    const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
    close(dollars(labels('c', 'e', 'cross')), (sent.cross / GIB) * 0.02);
    close(dollars(labels('e', 'c', 'cross')), ((sent.cross * 3) / GIB) * 0.02);
    close(dollars(labels('f', 'c', 'far')), ((sent.far * 3) / GIB) * 0.02);
    // Only the client's site counts a flow: the exporters' routers have no transfer series.
    const exporter = await fx.routers.get('e')?.api.metrics();
    assert.equal(metricValue(exporter ?? '', 'causeway_transfer_bytes_total'), 0);

    const json = await fx.cli(['cost', '--dir', fx.dir('c'), '--by', 'pair', '--output', 'json']);
    const report = JSON.parse(json.stdout) as CostReport;
    const total = 4 * (sent.cross + sent.far);
    assert.equal(report.total.bytes, total);
    assert.equal(report.total.crossRegionBytes, 4 * sent.far);
    close(report.total.dollars, (total / GIB) * 0.02);
    assert.deepEqual(report.rows[0]?.from, { zone: 'use1-az2', region: 'us-east-1' });
  });

  it('tells the bytes locality kept in zone that round-robin would have sent out', async () => {
    const before = JSON.parse(
      (await fx.cli(['cost', '--dir', fx.dir('c'), '--output', 'json'])).stdout,
    ) as CostReport;
    const address = await fx.importAddress('c', 'near.shop');
    const flows = 4;
    for (let i = 0; i < flows; i += 1) await roundTrip(address, Buffer.alloc(100_000, 3));
    const router = fx.routers.get('c');
    assert.ok(router);
    const text = await waitForMetrics(
      router,
      (t) =>
        metricValue(t, 'causeway_transfer_bytes_total', { service: 'near' }) >= flows * 400_000,
    );
    // Every flow stayed in use1-az1 (site d), so none of them cost anything.
    assert.equal(
      metricValue(text, 'causeway_transfer_bytes_total', { service: 'near', dst_zone: 'use1-az2' }),
      0,
    );
    const after = JSON.parse(
      (await fx.cli(['cost', '--dir', fx.dir('c'), '--output', 'json'])).stdout,
    ) as CostReport;
    const near = after.rows.find((r) => r.service === 'near');
    assert.equal(near?.bytes, flows * 400_000);
    assert.equal(near?.dollars, 0);
    // Round-robin over d and e would have sent half of those bytes to use1-az2, at $0.02/GiB.
    const kept = after.locality.keptInZoneBytes - before.locality.keptInZoneBytes;
    assert.equal(kept, (flows * 400_000) / 2);
    const saved = after.locality.savedDollars - before.locality.savedDollars;
    assert.ok(Math.abs(saved - (kept / GIB) * 0.02) < 1e-12, `saved ${saved}`);
    const text2 = await fx.cli(['cost', '--dir', fx.dir('c')]);
    assert.match(text2.stdout, /near\.shop/);
    assert.match(text2.stdout, /locality: 781\.25 KiB kept in zone/);
  });

  it('refuses a bad --by or --since with exit code 2 and a hint', async () => {
    const by = await fx.cli(['cost', '--dir', fx.dir('c'), '--by', 'zone'], true);
    assert.equal(by.code, 2);
    assert.match(by.stderr, /--by: "zone"[\s\S]*hint: use --by service or --by pair/);
    const since = await fx.cli(['cost', '--dir', fx.dir('c'), '--since', 'yesterday'], true);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /invalid duration "yesterday"/);
  });
});
