import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { dig } from '../support/dig.js';
import { readAll } from '../support/tcp-probes.js';
import { startNameServer } from '../support/name-server.js';

describe('headless services across sites', () => {
  let fx: ClustersetFixture;
  const backends: Server[] = [];

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['x', 'y', 'z']);
    for (const site of ['x', 'y', 'z']) await fx.startRouter(site);
    await fx.link('y', 'x');
    await fx.link('z', 'x');
    for (const [site, hostname] of [
      ['x', 'cass-0'],
      ['x', 'cass-1'],
      ['y', 'cass-2'],
    ] as const) {
      const backend = await startNameServer(hostname);
      backends.push(backend.server);
      await fx.cli([
        'expose',
        'cass',
        '--namespace',
        'data',
        '--port',
        '9042',
        '--to',
        `127.0.0.1:${backend.port}`,
        '--headless',
        '--hostname',
        hostname,
        '--dir',
        fx.dir(site),
      ]);
    }
    await fx.cli(['namespace', 'add', 'data', '--dir', fx.dir('z')]);
  });

  after(async () => {
    await fx.close();
    for (const b of backends) b.close();
  });

  it('gives every endpoint its own address at the importing site, and no service VIP', async () => {
    const status = await fx.waitFor(
      'z',
      (s) =>
        (s.services.find((x) => x.name === 'cass')?.endpoints.filter((e) => e.vip !== null)
          .length ?? 0) === 3,
    );
    const cass = status.services.find((x) => x.name === 'cass');
    assert.equal(cass?.type, 'Headless');
    assert.equal(cass?.vip, null);
    assert.deepEqual(cass?.endpoints.map((e) => `${e.hostname}@${e.site}`).sort(), [
      'cass-0@x',
      'cass-1@x',
      'cass-2@y',
    ]);
  });

  it('answers the headless name with every endpoint and per-endpoint names with one, over real dig', async () => {
    const status = await fx.waitFor(
      'z',
      (s) => (s.services.find((x) => x.name === 'cass')?.endpoints.length ?? 0) === 3,
    );
    const dns = status.dnsAddress ?? '';
    const all = await dig(dns, 'cass.data.svc.clusterset.local');
    assert.equal(all.answers.length, 3);
    const srv = await dig(dns, '_tcp-9042._tcp.cass.data.svc.clusterset.local', 'SRV');
    assert.deepEqual(srv.answers.map((l) => l.split(/\s+/).at(-1)).sort(), [
      'cass-0.x.cass.data.svc.clusterset.local.',
      'cass-1.x.cass.data.svc.clusterset.local.',
      'cass-2.y.cass.data.svc.clusterset.local.',
    ]);
    for (const [hostname, site] of [
      ['cass-0', 'x'],
      ['cass-1', 'x'],
      ['cass-2', 'y'],
    ]) {
      const one = await dig(dns, `${hostname}.${site}.cass.data.svc.clusterset.local`);
      assert.equal(one.answers.length, 1);
      const address = one.answers[0]?.split(/\s+/).at(-1) ?? '';
      // Each per-endpoint address reaches exactly that endpoint, across sites.
      for (let i = 0; i < 3; i++)
        assert.equal(await readAll({ host: address, port: 9042 }), hostname);
    }
  });

  it("keeps the oldest export's type when a later site exports the name with a virtual IP (TypeConflict)", async () => {
    const backend = await startNameServer('plain');
    backends.push(backend.server);
    await fx.cli([
      'expose',
      'cass',
      '--namespace',
      'data',
      '--port',
      '9042',
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir('z'),
    ]);
    const status = await fx.waitFor(
      'z',
      (s) => s.services.find((x) => x.name === 'cass')?.sites.length === 3,
    );
    const cass = status.services.find((x) => x.name === 'cass');
    assert.equal(cass?.type, 'Headless');
    for (const site of ['x', 'z'])
      assert.match(cass?.conditions[site]?.conflict.reason ?? '', /TypeConflict/);
    const message = cass?.conditions['z']?.conflict.message ?? '';
    assert.match(message, /Headless/);
  });
});
