import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort, readAll } from '../support/tcp-probes.js';
import { startNameServer } from '../support/name-server.js';

describe('failover of new flows', () => {
  let fx: ClustersetFixture;
  const backends: Server[] = [];

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    for (const site of ['a', 'b', 'c']) await fx.startRouter(site);
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    const live = await startNameServer('b', { waitForRequest: true });
    backends.push(live.server);
    // No active checks on a: only retries stand between its dead backend and the clients.
    await fx.cli([
      'expose',
      'svc',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${await freePort()}`,
      '--check',
      'none',
      '--dir',
      fx.dir('a'),
    ]);
    await fx.cli([
      'expose',
      'svc',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${live.port}`,
      '--dir',
      fx.dir('b'),
    ]);
    await fx.cli([
      'import',
      'svc',
      '--namespace',
      'ops',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('c'),
    ]);
  });

  after(async () => {
    await fx.close();
    for (const b of backends) b.close();
  });

  it('retries a flow refused by a dead backend on another site before the client sees anything, then ejects it', async () => {
    await fx.waitFor('c', (s) =>
      s.imports.some((i) => i.name === 'svc' && i.exporters.length === 2),
    );
    const address = await fx.importAddress('c', 'svc.ops');
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push(await readAll(address, 'hello\n'));
    assert.deepEqual(new Set(answers), new Set(['b']));
    const metrics = (await fx.routers.get('c')?.api.metrics()) ?? '';
    const retries = Number(
      /causeway_flow_retries_total\{service="svc",namespace="ops",reason="BackendUnreachable"\} (\d+)/.exec(
        metrics,
      )?.[1] ?? 0,
    );
    // The first failures are retried; after three in a row passive outlier detection ejects a.
    assert.ok(
      retries >= 3,
      `only ${retries} retries for 20 flows with one dead exporter out of two`,
    );
    assert.match(
      metrics,
      /causeway_endpoint_ejections_total\{service="svc",namespace="ops",site="a"\} [1-9]/,
    );
    const status = await fx.status('c');
    assert.equal(status.imports.find((i) => i.kind === 'configured')?.flows.failed, 0);
  });

  it('takes a site whose backend fails its active checks out of rotation, so later flows need no retry', async () => {
    const live = await startNameServer('b', { waitForRequest: true });
    backends.push(live.server);
    await fx.cli([
      'expose',
      'chk',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${await freePort()}`,
      '--dir',
      fx.dir('a'),
    ]);
    await fx.cli([
      'expose',
      'chk',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${live.port}`,
      '--dir',
      fx.dir('b'),
    ]);
    await fx.cli([
      'import',
      'chk',
      '--namespace',
      'ops',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('c'),
    ]);
    const address = await fx.importAddress('c', 'chk.ops');
    const retriesNow = async (): Promise<number> =>
      Number(
        /causeway_flow_retries_total\{service="chk",namespace="ops",reason="BackendUnreachable"\} (\d+)/.exec(
          (await fx.routers.get('c')?.api.metrics()) ?? '',
        )?.[1] ?? 0,
      );
    // Checks run every 500 ms and need 2 failures: within ~1.5 s a's endpoint is advertised not
    // ready. Until then some flows land on a and are retried; wait until a batch needs no retry.
    const deadline = Date.now() + 10_000;
    for (let settled = false; !settled;) {
      assert.ok(Date.now() < deadline, 'flows still needed retries 10 s after the backend failed');
      const start = await retriesNow();
      for (let i = 0; i < 5; i++) await readAll(address, 'hello\n');
      settled = (await retriesNow()) === start;
    }
    const before = await retriesNow();
    for (let i = 0; i < 10; i++) assert.equal(await readAll(address, 'hello\n'), 'b');
    assert.equal(await retriesNow(), before);
  });

  it('drains a site: peers stop choosing it at once, the router exits, no new flow fails', async () => {
    const [onA, onB] = [
      await startNameServer('a', { waitForRequest: true }),
      await startNameServer('b', { waitForRequest: true }),
    ];
    backends.push(onA.server, onB.server);
    await fx.cli([
      'expose',
      'drn',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${onA.port}`,
      '--dir',
      fx.dir('a'),
    ]);
    await fx.cli([
      'expose',
      'drn',
      '--namespace',
      'ops',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${onB.port}`,
      '--dir',
      fx.dir('b'),
    ]);
    await fx.cli([
      'import',
      'drn',
      '--namespace',
      'ops',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('c'),
    ]);
    await fx.waitFor('c', (s) =>
      s.imports.some((i) => i.name === 'drn' && i.exporters.length === 2),
    );
    const address = await fx.importAddress('c', 'drn.ops');
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await readAll(address, 'hello\n'));
    assert.deepEqual([...seen].sort(), ['a', 'b']);
    const router = fx.routers.get('b');
    const exited = new Promise<number | null>((resolve) =>
      router?.child.once('exit', (code) => resolve(code)),
    );
    const drain = await fx.cli([
      'site',
      'drain',
      '--dir',
      fx.dir('b'),
      '--timeout',
      '5s',
      '--output',
      'json',
    ]);
    assert.equal(JSON.parse(drain.stdout).remaining, 0);
    assert.equal(await exited, 0);
    fx.routers.delete('b');
    for (let i = 0; i < 10; i++) assert.equal(await readAll(address, 'hello\n'), 'a');
  });
});
