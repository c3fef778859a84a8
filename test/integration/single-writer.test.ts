import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { HttpProbeBackend, type SeenRequest } from '../support/http-probe-backend.js';

// Three sites on loopback share an embedded lease file. ledger.pay is exported by all three as an
// HTTP single-writer service; a holds the lease, c imports the service. Reads from c stay at c,
// writes go to a with a's fencing token; when a stops, writes get 503 until b or c (majority
// side) takes the lease over with a higher token.

const SITES = ['a', 'b', 'c'] as const;
const TTL_SECONDS = 2;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(
  address: { host: string; port: number },
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address.host,
        port: address.port,
        method,
        path,
        agent: false,
        headers: options.headers ?? {},
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes on one connection and collects everything until the router closes it or `until` matches. */
async function raw(
  address: { host: string; port: number },
  bytes: string,
  until: (text: string) => boolean,
  timeoutMs = 5_000,
): Promise<string> {
  const socket = connect(address.port, address.host);
  await once(socket, 'connect');
  let text = '';
  const done = new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (until(text)) resolve();
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  socket.write(bytes);
  await Promise.race([done, sleep(timeoutMs)]);
  socket.destroy();
  return text;
}

function leaseOf(status: StatusReport, name: string): StatusReport['leases'][number] | undefined {
  return status.leases.find((l) => l.name === name);
}

describe('single-writer HTTP services', { timeout: 120_000 }, () => {
  let fx: ClustersetFixture;
  const backends = new Map<string, HttpProbeBackend>();
  let address = { host: '127.0.0.1', port: 0 };

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset([...SITES]);
    const leaseFile = join(fx.root, 'leases.json');
    for (const site of SITES) {
      const backend = await HttpProbeBackend.start(site);
      backends.set(site, backend);
      await fx.cli([
        'lease',
        'store',
        '--file',
        leaseFile,
        '--ttl',
        `${TTL_SECONDS}s`,
        '--dir',
        fx.dir(site),
      ]);
      await fx.cli([
        'expose',
        'ledger',
        '--namespace',
        'pay',
        '--port',
        '80',
        '--to',
        backend.address,
        '--protocol',
        'http',
        '--writes',
        'single-writer',
        '--lease',
        'payments-writer',
        '--dir',
        fx.dir(site),
      ]);
    }
    // Short limits on c, so the slow-header test is quick.
    const configFile = join(fx.dir('c'), 'site.yaml');
    const config = parse(await readFile(configFile, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    config['dataPlane'] = {
      ...config['dataPlane'],
      http: { headersTimeoutMs: 1_000, maxHeaderBytes: 4_096 },
    };
    await writeFile(configFile, stringify(config));
    await fx.cli([
      'import',
      'ledger',
      '--namespace',
      'pay',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('c'),
    ]);
    // a is alone when it starts, so it is the whole clusterset and takes the lease at once.
    await fx.startRouter('a', ['--hold-lease', 'payments-writer']);
    await fx.waitFor('a', (s) => leaseOf(s, 'payments-writer')?.holder === 'a');
    for (const site of ['b', 'c']) await fx.startRouter(site, ['--hold-lease', 'payments-writer']);
    await fx.link('b', 'a');
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    await fx.waitFor(
      'c',
      (s) =>
        s.imports.some((i) => i.name === 'ledger' && i.exporters.length === 3) &&
        leaseOf(s, 'payments-writer')?.holder === 'a',
    );
    address = await fx.importAddress('c', 'ledger.pay');
  });

  after(async () => {
    await fx.close();
    for (const backend of backends.values()) await backend.close();
  });

  it('serves reads at the nearest endpoint and sends writes to the holder with its fencing token', async () => {
    const status = await fx.status('c');
    const token = String(leaseOf(status, 'payments-writer')?.fencingToken);
    for (let i = 0; i < 5; i++) {
      const read = JSON.parse((await send(address, 'GET', `/balance/${i}`)).text) as SeenRequest;
      assert.equal(read.site, 'c', 'a read is served by the site itself');
      assert.equal(read.fencingToken, undefined, 'reads carry no fencing token');
    }
    const write = await send(address, 'POST', '/deposit', {
      body: '{"amount":5}',
      headers: {
        'content-type': 'application/json',
        'causeway-fencing-token': '999999',
        'Causeway-Lease-Holder': 'c',
      },
    });
    const seen = JSON.parse(write.text) as SeenRequest;
    assert.deepEqual(
      [write.status, seen.site, seen.fencingToken, seen.lease, seen.leaseHolder, seen.bodyBytes],
      [200, 'a', token, 'payments-writer', 'a', 12],
    );
    // A body far larger than a flow's window crosses the link with back-pressure, intact in size.
    const big = await send(address, 'PUT', '/bulk', { body: 'x'.repeat(3 * 1024 * 1024) });
    assert.deepEqual(
      [big.status, (JSON.parse(big.text) as SeenRequest).bodyBytes],
      [200, 3 * 1024 * 1024],
    );
  });

  it('keeps pipelined requests in order and carries chunked bodies', async () => {
    const before = backends.get('a')?.seen.length ?? 0;
    const post = (n: number): string =>
      `POST /op/${n} HTTP/1.1\r\nHost: ledger\r\nContent-Length: 2\r\n\r\n${String(n).padStart(2, '0')}`;
    const chunked =
      'PUT /op/3 HTTP/1.1\r\nHost: ledger\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n';
    const text = await raw(
      address,
      post(0) + post(1) + post(2) + chunked,
      (t) => (t.match(/HTTP\/1\.1 200/g) ?? []).length === 4,
    );
    const bodies = text
      .split(/HTTP\/1\.1 200 OK/)
      .slice(1)
      .map(
        (part) =>
          JSON.parse(part.slice(part.indexOf('{'), part.lastIndexOf('}') + 1)) as SeenRequest,
      );
    assert.deepEqual(
      bodies.map((b) => b.url),
      ['/op/0', '/op/1', '/op/2', '/op/3'],
      'answers in request order',
    );
    const order = backends
      .get('a')
      ?.seen.slice(before)
      .map((s) => s.url);
    assert.deepEqual(
      order,
      ['/op/0', '/op/1', '/op/2', '/op/3'],
      'the holder received them in request order',
    );
    assert.equal(bodies[3]?.bodyBytes, 7);
  });

  it('passes Upgrade through as a raw tunnel after the 101', async () => {
    const text = await raw(
      address,
      'GET /shout HTTP/1.1\r\nHost: ledger\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhello tunnel',
      (t) => t.includes('HELLO TUNNEL'),
    );
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(text, /X-Site: c/, 'GET upgrades are reads: served by the nearest site');
    assert.ok(text.endsWith('HELLO TUNNEL'));
  });

  it('tunnels CONNECT to the holder, as a write, with its fencing token', async () => {
    const token = String(leaseOf(await fx.status('c'), 'payments-writer')?.fencingToken);
    const text = await raw(
      address,
      'CONNECT ledger.pay:80 HTTP/1.1\r\nHost: ledger.pay:80\r\n\r\nhello holder',
      (t) => t.includes('HELLO HOLDER'),
    );
    assert.match(text, /^HTTP\/1\.1 200 Connection Established\r\n/);
    assert.match(text, /X-Site: a\r\n/);
    assert.match(text, new RegExp(`X-Fencing-Token: ${token}\\r\\n`));
    assert.ok(text.endsWith('HELLO HOLDER'));
  });

  it('refuses oversized headers with 431 and slow headers with 408', async () => {
    const big = await raw(
      address,
      `GET / HTTP/1.1\r\nHost: ledger\r\nX-Big: ${'x'.repeat(8_000)}\r\n\r\n`,
      (t) => t.includes('\r\n\r\n'),
    );
    assert.match(big, /^HTTP\/1\.1 431 /);
    const started = Date.now();
    const slow = await raw(
      address,
      'GET / HTTP/1.1\r\nHost: ledger\r\n',
      (t) => t.includes('\r\n\r\n'),
      8_000,
    );
    assert.match(slow, /^HTTP\/1\.1 408 /);
    assert.ok(
      Date.now() - started < 5_000,
      `slow headers answered after ${Date.now() - started} ms`,
    );
  });

  it('answers writes 503 while the holder is gone, serves reads locally, and resumes at a new holder with a higher token', async () => {
    const old = leaseOf(await fx.status('c'), 'payments-writer');
    assert.equal(old?.holder, 'a');
    await fx.stopRouter('a');
    await fx.waitFor(
      'c',
      (s) =>
        s.routes.some((r) => r.site === 'a' && !r.reachable) ||
        !s.routes.some((r) => r.site === 'a'),
      10_000,
    );
    const refused = await send(address, 'POST', '/withdraw', { body: '{"amount":1}' });
    assert.equal(refused.status, 503, refused.text);
    const body = JSON.parse(refused.text) as {
      error: string;
      lease: string;
      holder: string | null;
      reason: string;
      message: string;
    };
    assert.equal(body.error, 'CW_WRITER_UNREACHABLE');
    assert.equal(body.lease, 'payments-writer');
    assert.ok(['holder-unreachable', 'lease-expired'].includes(body.reason), body.reason);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const read = JSON.parse((await send(address, 'GET', '/balance/1')).text) as SeenRequest;
    assert.equal(read.site, 'c');

    // Writes follow the lease c watches: once c sees a new holder, the next write goes there.
    await fx.waitFor(
      'c',
      (s) => {
        const lease = leaseOf(s, 'payments-writer');
        return lease?.holder !== undefined && lease.holder !== null && lease.holder !== 'a';
      },
      (TTL_SECONDS + 5) * 1000,
    );
    const answer: Answer = await send(address, 'POST', '/deposit', { body: '{"amount":2}' });
    assert.equal(answer.status, 200, `writes did not resume: ${answer.text}`);
    const seen = JSON.parse(answer?.text ?? '{}') as SeenRequest;
    assert.ok(
      ['b', 'c'].includes(seen.site),
      `the new holder is on the majority side, got ${seen.site}`,
    );
    assert.equal(seen.leaseHolder, seen.site);
    assert.ok(
      Number(seen.fencingToken) > (old?.fencingToken ?? Infinity),
      `token ${seen.fencingToken} after ${old?.fencingToken}`,
    );

    const metrics = await fx.routers.get('c')?.api.metrics();
    assert.match(
      metrics ?? '',
      /causeway_writes_refused_total\{service="ledger",namespace="pay",lease="payments-writer",reason="(holder-unreachable|lease-expired)"\} [1-9]/,
    );
    assert.match(
      metrics ?? '',
      /causeway_writes_routed_total\{service="ledger",namespace="pay",lease="payments-writer",holder="a"\} [1-9]/,
    );
    assert.match(
      metrics ?? '',
      /causeway_http_requests_total\{service="ledger",namespace="pay",kind="read",served="local"\} [1-9]/,
    );
  });
});
