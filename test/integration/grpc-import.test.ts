import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { GreeterClient, startGreeter, type GreeterServer } from '../support/grpc-greeter.js';

const SERVICE = 'greeter.rpc';

/** Two-sided bound on a binomial count: mean ± 4.5 standard deviations (a false failure about once in 150 000 runs). */
function binomialBounds(n: number, p: number): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [n * p - 4.5 * sd, n * p + 4.5 * sd];
}

type Client = InstanceType<typeof GreeterClient>;

function hello(client: Client, name: string, deadlineMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      '/test.Greeter/Hello',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(name),
      { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, reply?: Buffer) =>
        err === null ? resolve(reply?.toString() ?? '') : reject(err),
    ),
  );
}

describe('gRPC through an import: each call balanced over two sites', () => {
  let fx: ClustersetFixture;
  const servers: Record<string, GreeterServer> = {};
  let client: Client;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['eu-west', 'us-east', 'ap-south']);
    for (const site of ['eu-west', 'us-east', 'ap-south']) await fx.startRouter(site);
    await fx.link('ap-south', 'eu-west');
    await fx.link('ap-south', 'us-east');
    for (const site of ['eu-west', 'us-east']) {
      const server = await startGreeter(site);
      servers[site] = server;
      await fx.cli([
        'expose',
        'greeter',
        '--namespace',
        'rpc',
        '--port',
        '50051',
        '--to',
        `127.0.0.1:${server.port}`,
        '--app-protocol',
        'grpc',
        '--dir',
        fx.dir(site),
      ]);
    }
    await fx.cli([
      'import',
      'greeter',
      '--namespace',
      'rpc',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('ap-south'),
    ]);
    await fx.waitFor('ap-south', (s) =>
      s.imports.some((i) => `${i.name}.${i.namespace}` === SERVICE && i.exporters.length === 2),
    );
    const address = await fx.importAddress('ap-south', SERVICE);
    client = new GreeterClient(
      `${address.host}:${address.port}`,
      grpc.credentials.createInsecure(),
    );
  });

  /** Cancellations each site's server has seen of `method` so far. */
  const cancellations = (method: string): Map<string, number> =>
    new Map(Object.entries(servers).map(([site, s]) => [site, s.cancelled.get(method) ?? 0]));

  after(async () => {
    client?.close();
    await fx.close();
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('spreads the unary calls of one client connection over both sites', async () => {
    const counts = new Map<string, number>();
    const n = 400;
    for (let i = 0; i < n; i++) {
      const reply = await hello(client, `call-${i}`);
      const site = reply.split(':')[0] ?? '';
      assert.equal(reply, `${site}:call-${i}`);
      counts.set(site, (counts.get(site) ?? 0) + 1);
    }
    const [low, high] = binomialBounds(n, 0.5);
    const eu = counts.get('eu-west') ?? 0;
    assert.ok(eu >= low && eu <= high, `eu-west got ${eu} of ${n}, outside [${low}, ${high}]`);
    assert.equal(eu + (counts.get('us-east') ?? 0), n);
  });

  it('follows route weights call by call (1:3)', async () => {
    await fx.cli([
      'route',
      'set',
      'weighted',
      '--service',
      'greeter',
      '--namespace',
      'rpc',
      '--path-exact',
      '/test.Greeter/Hello',
      '--weight',
      'eu-west=1',
      '--weight',
      'us-east=3',
      '--dir',
      fx.dir('ap-south'),
    ]);
    // `route set` returns once the running router has reloaded: the route is live from here.
    const n = 400;
    let eu = 0;
    for (let i = 0; i < n; i++) if ((await hello(client, `w-${i}`)).startsWith('eu-west:')) eu += 1;
    const [low, high] = binomialBounds(n, 0.25);
    assert.ok(
      eu >= low && eu <= high,
      `eu-west got ${eu} of ${n}, outside [${low}, ${high}] for weight 1:3`,
    );
    await fx.cli([
      'route',
      'remove',
      'weighted',
      '--namespace',
      'rpc',
      '--dir',
      fx.dir('ap-south'),
    ]);
  });

  it('relays a server stream message by message, with its trailers (status OK)', async () => {
    const call = client.makeServerStreamRequest(
      '/test.Greeter/Ticks',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from('50'),
    );
    const messages: string[] = [];
    call.on('data', (m: Buffer) => messages.push(m.toString()));
    const status = await new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    assert.equal(status.code, grpc.status.OK);
    assert.equal(messages.length, 50);
    const site = messages[0]?.split(':')[0];
    assert.deepEqual(
      messages,
      Array.from({ length: 50 }, (_, i) => `${site}:${i + 1}`),
    );
  });

  it('cancels the call at the server when the client cancels (RST_STREAM both ways)', async () => {
    const seen = cancellations('ticks');
    const call = client.makeServerStreamRequest(
      '/test.Greeter/Ticks',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from('0'),
    );
    let site = '';
    await new Promise<void>((resolve) =>
      call.once('data', (m: Buffer) => {
        site = m.toString().split(':')[0] ?? '';
        resolve();
      }),
    );
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('error', () => undefined);
    call.cancel();
    assert.equal((await status).code, grpc.status.CANCELLED);
    const server = servers[site];
    assert.ok(server !== undefined, `the first message came from ${site}`);
    // The server's call ends by cancellation: the router reset its upstream stream in turn.
    await server.cancelledAt('ticks', (seen.get(site) ?? 0) + 1);
  });

  it('ends a call at its deadline and the server sees it cancelled', async () => {
    const seen = cancellations('hang');
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      client.makeUnaryRequest(
        '/test.Greeter/Hang',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from('x'),
        { deadline: Date.now() + 300 },
        (e: grpc.ServiceError | null) => resolve(e as grpc.ServiceError),
      ),
    );
    assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
    // Whichever site took the call sees it end: grpc-timeout travels with it and the client's reset follows.
    await Promise.race(
      Object.entries(servers).map(([site, server]) =>
        server.cancelledAt('hang', (seen.get(site) ?? 0) + 1),
      ),
    );
  });

  it('answers UNAVAILABLE, naming the service, when no site can serve', async () => {
    await fx.cli([
      'route',
      'set',
      'nowhere',
      '--service',
      'greeter',
      '--namespace',
      'rpc',
      '--header',
      'x-route=nowhere',
      '--weight',
      'mars=1',
      '--dir',
      fx.dir('ap-south'),
    ]);
    const metadata = new grpc.Metadata();
    metadata.set('x-route', 'nowhere');
    const attempt = (): Promise<grpc.ServiceError | null> =>
      new Promise((resolve) =>
        client.makeUnaryRequest(
          '/test.Greeter/Hello',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from('x'),
          metadata,
          { deadline: Date.now() + 5_000 },
          (e: grpc.ServiceError | null) => resolve(e),
        ),
      );
    const err = await attempt();
    assert.ok(err !== null, 'the call was served although no site is in the route');
    assert.equal(err.code, grpc.status.UNAVAILABLE);
    assert.match(err.details, /no site can serve greeter\.rpc/);
    await fx.cli(['route', 'remove', 'nowhere', '--namespace', 'rpc', '--dir', fx.dir('ap-south')]);
  });
});
