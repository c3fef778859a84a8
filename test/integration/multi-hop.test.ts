import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { readAll } from '../support/tcp-probes.js';
import { waitForMetrics } from '../support/router-observations.js';
import { startNameServer } from '../support/name-server.js';

describe('multi-hop routing', () => {
  let fx: ClustersetFixture;
  const backends: Server[] = [];

  before(async () => {
    // A chain a — b — c — d, plus a spare path a — e — d that costs more.
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c', 'd', 'e']);
    for (const site of ['a', 'b', 'c', 'd', 'e']) await fx.startRouter(site);
    await fx.link('b', 'a');
    await fx.link('c', 'b');
    await fx.link('d', 'c');
    await fx.link('e', 'a', ['--cost', '10']);
    await fx.link('d', 'e', ['--cost', '10']);
    const backend = await startNameServer('served-by-d');
    backends.push(backend.server);
    await fx.cli([
      'expose',
      'name',
      '--namespace',
      'lab',
      '--port',
      '9000',
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir('d'),
    ]);
    await fx.cli([
      'import',
      'name',
      '--namespace',
      'lab',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('a'),
    ]);
  });

  after(async () => {
    await fx.close();
    for (const b of backends) b.close();
  });

  it('reaches a site three hops away through two transit sites on the cheapest path', async () => {
    const address = await fx.importAddress('a', 'name.lab');
    assert.equal(await readAll(address), 'served-by-d');
    const b = await fx.status('b');
    const c = await fx.status('c');
    const e = await fx.status('e');
    assert.ok(b.links.some((l) => l.peer === 'a' && l.state === 'up'));
    // The flow went a → b → c → d, not through the expensive e.
    const transitB = await fx.routers.get('b')?.api.metrics();
    const transitE = await fx.routers.get('e')?.api.metrics();
    assert.match(
      transitB ?? '',
      /causeway_flows_total\{service="name",namespace="lab",side="transit",result="closed"\} [1-9]/,
    );
    assert.doesNotMatch(transitE ?? '', /side="transit"/);
    assert.ok(c.links.length >= 2 && e.links.length >= 2);
  });

  it('takes the other path without manual action when a transit site goes away', async () => {
    await fx.stopRouter('c');
    const address = await fx.importAddress('a', 'name.lab');
    const deadline = Date.now() + 10_000;
    let answer = '';
    while (Date.now() < deadline) {
      answer = await readAll(address).catch(() => '');
      if (answer === 'served-by-d') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(answer, 'served-by-d');
    // Flows cross e (the only path left); its transit count shows it.
    assert.equal(await readAll(address), 'served-by-d');
    const e = fx.routers.get('e');
    assert.ok(e !== undefined, 'router e runs');
    await waitForMetrics(e, (t) => /side="transit",result="closed"\} [1-9]/.test(t));
  });
});
