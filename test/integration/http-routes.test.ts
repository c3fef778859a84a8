import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startH2cEcho, type H2cEchoServer } from '../support/h2c-echo-server.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP/1.1 backend answering its site's name (`/slow` never answers) with the request headers it saw. */
async function startHttpEcho(site: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/slow') === true) return;
    res.setHeader('x-site', site);
    res.end(JSON.stringify({ site, headers: req.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const run = promisify(execFile);

interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request with curl over HTTP/2 with prior knowledge (h2c), as a user would send it. */
async function curl(url: string, extra: string[] = []): Promise<CurlAnswer> {
  const { stdout } = await run('curl', [
    '-s',
    '--http2-prior-knowledge',
    '-i',
    '--max-time',
    '10',
    ...extra,
    url,
  ]);
  const cut = stdout.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = stdout.slice(0, cut).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: stdout.slice(cut + 4) };
}

describe('HTTP routing rules on an h2c import, exercised with curl', () => {
  let fx: ClustersetFixture;
  const servers: Record<string, H2cEchoServer> = {};
  let base = '';

  const route = (name: string, args: string[]): Promise<unknown> =>
    fx.cli([
      'route',
      'set',
      name,
      '--service',
      'web',
      '--namespace',
      'shop',
      ...args,
      '--dir',
      fx.dir('ap-south'),
    ]);

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['eu-west', 'us-east', 'ap-south']);
    for (const site of ['eu-west', 'us-east', 'ap-south']) await fx.startRouter(site);
    await fx.link('ap-south', 'eu-west');
    await fx.link('ap-south', 'us-east');
    for (const site of ['eu-west', 'us-east']) {
      const server = await startH2cEcho(site, { failing: site === 'eu-west' });
      servers[site] = server;
      await fx.cli([
        'expose',
        'web',
        '--namespace',
        'shop',
        '--port',
        '8080',
        '--to',
        `127.0.0.1:${server.port}`,
        '--app-protocol',
        'kubernetes.io/h2c',
        '--dir',
        fx.dir(site),
      ]);
    }
    await fx.cli([
      'import',
      'web',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('ap-south'),
    ]);
    await fx.waitFor('ap-south', (s) =>
      s.imports.some((i) => `${i.name}.${i.namespace}` === 'web.shop' && i.exporters.length === 2),
    );
    const address = await fx.importAddress('ap-south', 'web.shop');
    base = `http://${address.host}:${address.port}`;
  });

  after(async () => {
    await fx.close();
    await Promise.all(Object.values(servers).map((s) => s.close()));
    for (const s of plain) s.close();
  });

  const plain: Server[] = [];

  it('applies the same rules to an HTTP/1.1 service (protocol http), seen with fetch', async () => {
    for (const site of ['eu-west', 'us-east']) {
      const server = await startHttpEcho(site);
      plain.push(server);
      await fx.cli([
        'expose',
        'plain',
        '--namespace',
        'shop',
        '--port',
        '80',
        '--to',
        `127.0.0.1:${(server.address() as AddressInfo).port}`,
        '--protocol',
        'http',
        '--dir',
        fx.dir(site),
      ]);
    }
    await fx.cli([
      'import',
      'plain',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('ap-south'),
    ]);
    await fx.waitFor('ap-south', (s) =>
      s.imports.some(
        (i) => `${i.name}.${i.namespace}` === 'plain.shop' && i.exporters.length === 2,
      ),
    );
    const address = await fx.importAddress('ap-south', 'plain.shop');
    const url = `http://${address.host}:${address.port}`;
    const set = (name: string, args: string[]): Promise<unknown> =>
      fx.cli([
        'route',
        'set',
        name,
        '--service',
        'plain',
        '--namespace',
        'shop',
        ...args,
        '--dir',
        fx.dir('ap-south'),
      ]);
    await set('plain-api', [
      '--path-prefix',
      '/api',
      '--weight',
      'us-east=1',
      '--set-request-header',
      'x-routed-by=causeway',
      '--set-response-header',
      'x-route=plain-api',
    ]);
    await set('plain-slow', ['--path-prefix', '/slow', '--timeout', '300']);
    for (let i = 0; i < 10; i++) {
      const answer = await fetch(`${url}/api/${i}`);
      assert.equal(answer.headers.get('x-site'), 'us-east');
      assert.equal(answer.headers.get('x-route'), 'plain-api');
      const body = (await answer.json()) as { headers: Record<string, string> };
      assert.equal(body.headers['x-routed-by'], 'causeway');
    }
    assert.equal((await fetch(`${url}/slow`)).status, 504);
    for (const name of ['plain-api', 'plain-slow'])
      await fx.cli(['route', 'remove', name, '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('sends a path prefix to one site, and a header match or a query match to another', async () => {
    await route('api', ['--path-prefix', '/api', '--weight', 'eu-west=1']);
    await route('canary', ['--header', 'x-canary=1', '--weight', 'us-east=1']);
    await route('users', ['--query', 'user=alice', '--weight', 'us-east=1']);
    for (let i = 0; i < 10; i++) {
      assert.equal((await curl(`${base}/api/items/${i}`)).headers['x-site'], 'eu-west');
      assert.equal((await curl(`${base}/x`, ['-H', 'x-canary: 1'])).headers['x-site'], 'us-east');
      assert.equal((await curl(`${base}/y?user=alice`)).headers['x-site'], 'us-east');
    }
    for (const name of ['api', 'canary', 'users'])
      await fx.cli(['route', 'remove', name, '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('edits request and response headers', async () => {
    await route('edits', [
      '--path-prefix',
      '/edit',
      '--set-request-header',
      'x-routed-by=causeway',
      '--remove-request-header',
      'x-secret',
      '--set-response-header',
      'x-route=edits',
    ]);
    const answer = await curl(`${base}/edit`, ['-H', 'x-secret: s3cret']);
    const seen = JSON.parse(answer.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-routed-by'], 'causeway');
    assert.equal(seen.headers['x-secret'], undefined);
    assert.equal(answer.headers['x-route'], 'edits');
    await fx.cli(['route', 'remove', 'edits', '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('retries a 503 at another site only when the route allows it', async () => {
    const statuses = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await curl(`${base}/fail/${i}`)).status);
      return out;
    };
    // Without a retry rule, the calls that reach the failing site fail.
    assert.ok((await statuses()).includes(503));
    await route('retry', [
      '--path-prefix',
      '/fail',
      '--retries',
      '1',
      '--retry-on',
      'gateway-error',
      '--retry-budget',
      '100',
    ]);
    assert.deepEqual(
      await statuses(),
      Array.from({ length: 30 }, () => 200),
    );
    await fx.cli(['route', 'remove', 'retry', '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('answers 504 when the route timeout passes', async () => {
    await route('slow', ['--path-prefix', '/slow', '--timeout', '300']);
    const answer = await curl(`${base}/slow`);
    assert.equal(answer.status, 504);
    assert.match(answer.body, /allows 300 ms/);
    await fx.cli(['route', 'remove', 'slow', '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('mirrors matched requests to a second site while the answer comes from the first', async () => {
    await route('mirror', [
      '--path-prefix',
      '/mirrored',
      '--weight',
      'eu-west=1',
      '--mirror',
      'site=us-east',
    ]);
    const answer = await curl(`${base}/mirrored/1`);
    assert.equal(answer.headers['x-site'], 'eu-west');
    await servers['us-east']?.waitFor('/mirrored/1');
    await fx.cli(['route', 'remove', 'mirror', '--namespace', 'shop', '--dir', fx.dir('ap-south')]);
  });

  it('route set names the field and exits 2 on bad input; route list --output json', async () => {
    const bad = await fx.cli(
      [
        'route',
        'set',
        'bad',
        '--service',
        'web',
        '--namespace',
        'shop',
        '--path-regex',
        '(a+)+',
        '--dir',
        fx.dir('ap-south'),
      ],
      true,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rules\.0\.matches\.0\.path\.value: must not nest quantifiers/);
    assert.match(bad.stderr, /hint:/);
    await route('listed', ['--path-exact', '/x']);
    const listed = await fx.cli(['route', 'list', '--output', 'json', '--dir', fx.dir('ap-south')]);
    const routes = JSON.parse(listed.stdout) as Array<{ name: string }>;
    assert.deepEqual(
      routes.map((r) => r.name),
      ['listed'],
    );
  });
});
