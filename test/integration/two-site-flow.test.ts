import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

/** An echo backend that prefixes replies with its name, so tests see which site answered. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined); // health probes reset their connections
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

function roundTrip(address: { host: string; port: number }, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(payload);
  });
}

describe('two sites linked by a token', () => {
  let fx: ClustersetFixture;
  let backend: { server: Server; port: number };

  before(async () => {
    fx = await ClustersetFixture.create();
    backend = await echoServer();
    await fx.initSite('eu-west');
    await fx.initSite('us-east');
    await fx.startRouter('eu-west');
    await fx.startRouter('us-east');
    await fx.link('us-east', 'eu-west');
    await fx.cli(['expose', 'echo', '--namespace', 'shop', '--port', '7000', '--to', `127.0.0.1:${backend.port}`, '--dir', fx.dir('eu-west')]);
    await fx.cli(['import', 'echo', '--namespace', 'shop', '--listen', '127.0.0.1:0', '--dir', fx.dir('us-east')]);
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
    await fx.cli(['expose', 'echo', '--namespace', 'back', '--port', '7000', '--to', `127.0.0.1:${backend.port}`, '--dir', fx.dir('us-east')]);
    await fx.cli(['import', 'echo', '--namespace', 'back', '--listen', '127.0.0.1:0', '--dir', fx.dir('eu-west')]);
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
    const imp = status.imports.find((i: { name: string; namespace: string }) => i.name === 'echo' && i.namespace === 'shop');
    assert.deepEqual(imp.exporters, ['eu-west']);
    assert.ok(imp.flows.total >= 1);
  });
});
