import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startNameServer } from '../support/name-server.js';
import { metricValue, waitForLogLines, waitForMetrics } from '../support/router-observations.js';
import { readAll, type Address } from '../support/tcp-probes.js';

const exporters = (s: StatusReport): string[] =>
  s.imports.find((i) => `${i.name}.${i.namespace}` === 'name.lab')?.exporters ?? [];

/**
 * A chain a — b — c of real routers; c exports name.lab, a and b import it. Flows from a cross b
 * (a transit site), so a's source reaches c signed; b's are one hop.
 */
describe('service access policies, decided at the exporting site', () => {
  let fx: ClustersetFixture;
  let backend: Server;
  let fromA: Address;
  let fromB: Address;
  const served = async (address: Address): Promise<string> =>
    readAll(address).catch((err: Error) => `failed: ${err.message}`);
  const policy = (...args: string[]) =>
    fx.cli([
      'policy',
      ...args,
      'name',
      '--namespace',
      'lab',
      '--dir',
      fx.dir('c'),
      '--output',
      'json',
    ]);

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    for (const site of ['a', 'b', 'c']) await fx.startRouter(site);
    await fx.link('b', 'a');
    await fx.link('c', 'b');
    const name = await startNameServer('served-by-c');
    backend = name.server;
    await fx.cli([
      ...['expose', 'name', '--namespace', 'lab', '--port', '9000'],
      ...['--to', `127.0.0.1:${name.port}`, '--dir', fx.dir('c')],
    ]);
    for (const site of ['a', 'b'])
      await fx.cli([
        ...['import', 'name', '--namespace', 'lab', '--listen', '127.0.0.1:0'],
        ...['--dir', fx.dir(site)],
      ]);
    fromA = await fx.importAddress('a', 'name.lab');
    fromB = await fx.importAddress('b', 'name.lab');
  });

  after(async () => {
    await fx.close();
    backend.close();
  });

  it('admits every site while the service has no policy (the MCS default)', async () => {
    assert.equal(await served(fromA), 'served-by-c');
    assert.equal(await served(fromB), 'served-by-c');
  });

  it('a policy admitting a only: b stops importing the service, a still reaches it across b', async () => {
    const allowed = await policy('allow', '--from-site', 'a');
    assert.deepEqual(JSON.parse(allowed.stdout), {
      access: { service: 'name', namespace: 'lab', allow: [{ site: 'a' }] },
      live: true,
    });
    await fx.waitFor('b', (s) => exporters(s).length === 0);
    assert.deepEqual(exporters(await fx.status('a')), ['c']);
    assert.equal(await served(fromA), 'served-by-c');
    const c = fx.routers.get('c')!;
    assert.equal(metricValue(await c.api.metrics(), 'causeway_flows_denied_total'), 0);
  });

  it("resets a's flow when its client address is outside the admitted block, counts and logs why", async () => {
    await policy('allow', '--from-site', 'a', '--source', '10.99.0.0/16');
    // The policy took effect at c when the import at a still lists c (it is advertised to a).
    const c = fx.routers.get('c')!;
    let answer = '';
    await waitForMetrics(
      c,
      (m) => {
        if (
          metricValue(m, 'causeway_flows_denied_total', {
            service: 'name.lab',
            source_site: 'a',
            reason: 'source-not-allowed',
          }) >= 1
        )
          return true;
        void served(fromA).then((a) => (answer = a));
        return false;
      },
      15_000,
    );
    assert.notEqual(answer, 'served-by-c');
    await waitForLogLines(
      fx.dir('c'),
      (l) =>
        l.msg === 'flow denied by the access policy' &&
        l['sourceSite'] === 'a' &&
        l['reason'] === 'source-not-allowed',
      1,
      5_000,
    );
    await policy('allow', '--from-site', 'a', '--source', '127.0.0.0/8');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && answer !== 'served-by-c') answer = await served(fromA);
    assert.equal(answer, 'served-by-c');
  });

  it('deny --all admits nobody; list shows it; bad input is refused with exit 2 and a hint', async () => {
    const denied = await policy('deny', '--all');
    assert.deepEqual(JSON.parse(denied.stdout).access.allow, []);
    await fx.waitFor('a', (s) => exporters(s).length === 0);
    const list = await fx.cli([
      'policy',
      'list',
      '--access',
      '--dir',
      fx.dir('c'),
      '--output',
      'json',
    ]);
    assert.deepEqual(JSON.parse(list.stdout), [{ service: 'name', namespace: 'lab', allow: [] }]);
    const bad = await fx.cli(
      [
        'policy',
        'allow',
        'name',
        '--namespace',
        'lab',
        '--from-site',
        'a',
        '--source',
        '10.0.0.0/99',
        '--dir',
        fx.dir('c'),
      ],
      true,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--source: must be a CIDR/);
    assert.match(bad.stderr, /hint: /);
    const neither = await fx.cli(
      ['policy', 'deny', 'name', '--namespace', 'lab', '--dir', fx.dir('c')],
      true,
    );
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--from-site \/ --all: give exactly one/);
  });
});
