import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { roundTrip, startEchoServer } from '../support/tcp-probes.js';

describe('two sites linked by a token', () => {
  let fx: ClustersetFixture;
  let backend: { server: Server; port: number };

  before(async () => {
    fx = await ClustersetFixture.create();
    backend = await startEchoServer();
    await fx.initSite('eu-west');
    await fx.initSite('us-east');
    await fx.startRouter('eu-west');
    await fx.startRouter('us-east');
    await fx.link('us-east', 'eu-west');
    await fx.cli([
      'expose',
      'echo',
      '--namespace',
      'shop',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir('eu-west'),
    ]);
    await fx.cli([
      'import',
      'echo',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('us-east'),
    ]);
  });

  after(async () => {
    await fx.close();
    backend.server.close();
  });

  it('carries a flow from the dialing site to the accepting site, half-close included', async () => {
    const address = await fx.importAddress('us-east', 'echo.shop');
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const reply = await roundTrip(address, payload);
    assert.equal(reply.length, payload.length);
    assert.ok(reply.equals(payload));
  });

  it('carries a flow the other way: from the accepting site to the dialing site', async () => {
    await fx.cli([
      'expose',
      'echo',
      '--namespace',
      'back',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir('us-east'),
    ]);
    await fx.cli([
      'import',
      'echo',
      '--namespace',
      'back',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('eu-west'),
    ]);
    const address = await fx.importAddress('eu-west', 'echo.back');
    const reply = await roundTrip(address, Buffer.from('ping from eu-west'));
    assert.equal(reply.toString(), 'ping from eu-west');
  });

  it('reports links, exports, imports and flow counts in status --output json', async () => {
    const result = await fx.cli(['status', '--dir', fx.dir('us-east'), '--output', 'json']);
    const status = JSON.parse(result.stdout);
    assert.equal(status.site.id, 'us-east');
    const link = status.links.find((l: { peer: string }) => l.peer === 'eu-west');
    assert.equal(link.state, 'up');
    assert.equal(link.direction, 'outbound');
    const imp = status.imports.find(
      (i: { name: string; namespace: string }) => i.name === 'echo' && i.namespace === 'shop',
    );
    assert.deepEqual(imp.exporters, ['eu-west']);
    assert.ok(imp.flows.total >= 1);
  });
});
