import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { dig } from '../support/dig.js';
import { readAll } from '../support/tcp-probes.js';
import { startNameServer } from '../support/name-server.js';

describe('clusterset discovery: hub-and-spoke, MCS model, clusterset.local DNS', () => {
  let fx: ClustersetFixture;
  const backends: Server[] = [];

  before(async () => {
    fx = await ClustersetFixture.create();
    const sites = ['hub', 'spoke-1', 'spoke-2', 'spoke-3', 'spoke-4'];
    await fx.initClusterset(sites);
    for (const site of sites) await fx.startRouter(site);
    for (const spoke of sites.slice(1)) await fx.link(spoke, 'hub');
    for (const [site, name] of [
      ['spoke-1', 'one'],
      ['spoke-2', 'two'],
    ] as const) {
      const backend = await startNameServer(name);
      backends.push(backend.server);
      await fx.cli([
        'expose',
        'web',
        '--namespace',
        'shop',
        '--port',
        '80',
        '--to',
        `127.0.0.1:${backend.port}`,
        '--dir',
        fx.dir(site),
      ]);
    }
    // spoke-3 has the namespace (it imports something in it); spoke-4 does not.
    await fx.cli([
      'import',
      'web',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('spoke-3'),
    ]);
  });

  after(async () => {
    await fx.close();
    for (const b of backends) b.close();
  });

  it('every spoke learns the service through the hub and merges both exporters', async () => {
    const status = await fx.waitFor('spoke-3', (s) =>
      s.services.some((x) => x.name === 'web' && x.sites.length === 2 && x.vip !== null),
    );
    const web = status.services.find((x) => x.name === 'web');
    assert.deepEqual(web?.sites, ['spoke-1', 'spoke-2']);
    assert.equal(status.routes.find((r) => r.site === 'spoke-1')?.nextHop, 'hub');
    assert.equal(web?.conditions['spoke-1']?.conflict.status, 'False');
  });

  it('answers clusterset.local with real dig: A is the VIP, SRV per named port, TXT dns-version, NXDOMAIN vs NODATA', async () => {
    const status = await fx.waitFor('spoke-3', (s) =>
      s.services.some((x) => x.name === 'web' && x.vip !== null),
    );
    const dns = status.dnsAddress ?? '';
    const vip = status.services.find((x) => x.name === 'web')?.vip ?? '';
    const a = await dig(dns, 'web.shop.svc.clusterset.local');
    assert.equal(a.status, 'NOERROR');
    assert.match(a.answers[0] ?? '', new RegExp(`\\sA\\s+${vip.replaceAll('.', '\\.')}$`));
    const upper = await dig(dns, 'WEB.Shop.SVC.clusterset.LOCAL');
    assert.equal(upper.answers.length, 1);
    const srv = await dig(dns, '_tcp-80._tcp.web.shop.svc.clusterset.local', 'SRV');
    assert.match(srv.answers[0] ?? '', /SRV\s+0 100 80 web\.shop\.svc\.clusterset\.local\.$/);
    const txt = await dig(dns, 'dns-version.clusterset.local', 'TXT');
    assert.match(txt.answers[0] ?? '', /"1\.0\.0"/);
    assert.equal((await dig(dns, 'web.shop.svc.clusterset.local', 'AAAA')).status, 'NOERROR');
    assert.equal((await dig(dns, 'web.shop.svc.clusterset.local', 'AAAA')).answers.length, 0);
    assert.equal((await dig(dns, 'nope.shop.svc.clusterset.local')).status, 'NXDOMAIN');
    assert.equal((await dig(dns, 'spoke-1.web.shop.svc.clusterset.local')).status, 'NXDOMAIN');
    const targeted = await dig(dns, 'web.shop.svc.spoke-2.causeway');
    assert.equal(targeted.status, 'NOERROR');
  });

  it('connects through the VIP to both exporters, and a site-targeted name to one only', async () => {
    const status = await fx.waitFor('spoke-3', (s) =>
      s.services.some((x) => x.name === 'web' && x.vip !== null),
    );
    const dns = status.dnsAddress ?? '';
    const vip = status.services.find((x) => x.name === 'web')?.vip ?? '';
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await readAll({ host: vip, port: 80 }));
    assert.deepEqual([...seen].sort(), ['one', 'two']);
    const targeted =
      (await dig(dns, 'web.shop.svc.spoke-2.causeway')).answers[0]?.split(/\s+/).at(-1) ?? '';
    for (let i = 0; i < 4; i++) assert.equal(await readAll({ host: targeted, port: 80 }), 'two');
  });

  it('does not import where the namespace is absent (namespace sameness)', async () => {
    const status = await fx.waitFor('spoke-4', (s) => s.services.some((x) => x.name === 'web'));
    const web = status.services.find((x) => x.name === 'web');
    assert.equal(web?.importedHere, false);
    assert.equal(
      (await dig(status.dnsAddress ?? '', 'web.shop.svc.clusterset.local')).status,
      'NXDOMAIN',
    );
  });

  it('resolves port conflicts by the oldest export and reports them on both sites', async () => {
    const backend = await startNameServer('four');
    backends.push(backend.server);
    await fx.cli([
      'expose',
      'web',
      '--namespace',
      'shop',
      '--port',
      '8080',
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir('spoke-4'),
    ]);
    const status = await fx.waitFor('spoke-3', (s) =>
      s.services.some((x) => x.name === 'web' && x.sites.length === 3),
    );
    const web = status.services.find((x) => x.name === 'web');
    assert.deepEqual(web?.ports.map((p) => p.port).sort(), [80, 8080]);
    for (const site of ['spoke-1', 'spoke-4']) {
      assert.equal(web?.conditions[site]?.conflict.status, 'True');
      assert.match(web?.conditions[site]?.conflict.reason ?? '', /PortConflict/);
    }
    // Port 8080 reaches only the site that exposes it.
    const vip = web?.vip ?? '';
    await fx.waitFor('spoke-3', (s) => s.imports.some((i) => i.listen === `${vip}:8080`));
    for (let i = 0; i < 3; i++) assert.equal(await readAll({ host: vip, port: 8080 }), 'four');
    await fx.cli(['unexpose', 'web', '--namespace', 'shop', '--dir', fx.dir('spoke-4')]);
    await fx.waitFor(
      'spoke-3',
      (s) => s.services.find((x) => x.name === 'web')?.sites.length === 2,
    );
  });

  it('converges after unexport everywhere and withdraws a site that goes away', async () => {
    const started = Date.now();
    await fx.cli(['unexpose', 'web', '--namespace', 'shop', '--dir', fx.dir('spoke-2')]);
    await fx.waitFor(
      'spoke-3',
      (s) => s.services.find((x) => x.name === 'web')?.sites.join() === 'spoke-1',
    );
    const unexportMs = Date.now() - started;
    await fx.stopRouter('spoke-1');
    await fx.waitFor('spoke-3', (s) => !s.services.some((x) => x.name === 'web'));
    const status = await fx.status('spoke-3');
    assert.equal(
      (await dig(status.dnsAddress ?? '', 'web.shop.svc.clusterset.local')).status,
      'NXDOMAIN',
    );
    assert.ok(unexportMs < 10_000);
  });
});
