import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import type { AccessLogLine } from '../../src/access-log/index.js';
import type { CostReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { HttpProbeBackend } from '../support/http-probe-backend.js';
import { freePort, roundTrip, startEchoServer } from '../support/tcp-probes.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Reads a site's access log until `predicate` holds on its lines (polled; fails with what it has). */
async function waitForLines(
  file: string,
  predicate: (lines: AccessLogLine[]) => boolean,
  timeoutMs = 10_000,
): Promise<AccessLogLine[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: AccessLogLine[] = [];
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    lines = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AccessLogLine);
    if (predicate(lines)) return lines;
    await sleep(25);
  }
  throw new Error(
    `access log ${file} never matched; lines:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`,
  );
}

function get(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/orders', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('access logs', () => {
  let fx: ClustersetFixture;
  let echo: { server: Server; port: number };
  let web: HttpProbeBackend;
  const logOf = (site: string): string => join(fx.dir(site), 'access.log');

  before(async () => {
    fx = await ClustersetFixture.create();
    echo = await startEchoServer();
    web = await HttpProbeBackend.start('eu-west');
    await fx.initClusterset(['eu-west', 'us-east']);
    const cli = (site: string, args: string[]): Promise<unknown> =>
      fx.cli([...args, '--dir', fx.dir(site)]);
    await cli('eu-west', [
      'expose',
      'echo',
      '--namespace',
      'shop',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${echo.port}`,
    ]);
    await cli('eu-west', [
      'expose',
      'web',
      '--namespace',
      'shop',
      '--port',
      '80',
      '--to',
      `127.0.0.1:${web.port}`,
      '--protocol',
      'http',
    ]);
    await cli('eu-west', [
      'expose',
      'dead',
      '--namespace',
      'shop',
      '--port',
      '7001',
      '--to',
      `127.0.0.1:${await freePort()}`,
      '--check',
      'none',
    ]);
    for (const name of ['echo', 'web', 'dead'])
      await cli('us-east', ['import', name, '--namespace', 'shop', '--listen', '127.0.0.1:0']);
    // Both sites log: us-east every line, eu-west none but refusals (sample 0).
    for (const [site, sample] of [
      ['us-east', 1],
      ['eu-west', 0],
    ] as const) {
      const file = join(fx.dir(site), 'site.yaml');
      const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      config.accessLog = { to: logOf(site), sample };
      await writeFile(file, stringify(config));
    }
    await fx.startRouter('eu-west');
    await fx.startRouter('us-east');
    await fx.link('us-east', 'eu-west');
  });

  after(async () => {
    await fx.close();
    echo.server.close();
    await web.close();
  });

  it('writes one line per flow at each side, with sites, bytes each way, duration and outcome', async () => {
    const payload = Buffer.alloc(123_456, 5);
    const reply = await roundTrip(await fx.importAddress('us-east', 'echo.shop'), payload);
    assert.equal(reply.length, payload.length);
    const [line] = (
      await waitForLines(logOf('us-east'), (ls) => ls.some((l) => l.service === 'echo'))
    ).filter((l) => l.service === 'echo');
    assert.deepEqual(
      { ...line, time: undefined, durationMs: undefined },
      {
        ...{ time: undefined, kind: 'flow', site: 'us-east', side: 'ingress', service: 'echo' },
        ...{ namespace: 'shop', protocol: 'tcp', source: 'us-east', destination: 'eu-west' },
        ...{ bytesToBackend: 123_456, bytesToClient: 123_456, durationMs: undefined },
        ...{ outcome: 'closed', traceId: null },
      },
    );
    assert.ok((line?.durationMs ?? -1) >= 0);
  });

  it("writes one line per HTTP request with the request's trace id, and prices it", async () => {
    const { port } = await fx.importAddress('us-east', 'web.shop');
    const traced = await get(port, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` });
    assert.equal(traced.status, 200);
    await get(port, {});
    const lines = await waitForLines(
      logOf('us-east'),
      (ls) => ls.filter((l) => l.kind === 'http').length >= 2,
    );
    const http = lines.filter((l) => l.kind === 'http');
    assert.deepEqual(
      http.map((l) => [
        l.service,
        l.method,
        l.status,
        l.outcome,
        l.source,
        l.destination,
        l.traceId,
      ]),
      [
        ['web', 'GET', 200, 'answered', 'us-east', 'eu-west', TRACE],
        ['web', 'GET', 200, 'answered', 'us-east', 'eu-west', null],
      ],
    );
    assert.ok(http.every((l) => l.bytesToBackend > 0 && l.bytesToClient > traced.body.length));
    // The requests cross regions (eu-west to us-east), so cost accounting counted their bytes.
    const cost = JSON.parse(
      (await fx.cli(['cost', '--dir', fx.dir('us-east'), '--output', 'json'])).stdout,
    ) as CostReport;
    const row = cost.rows.find((r) => r.service === 'web');
    const sum = http.reduce((n, l) => n + l.bytesToBackend + l.bytesToClient, 0);
    assert.equal(row?.crossRegionBytes, sum);
  });

  it('logs refusals even when sampling leaves out everything else', async () => {
    await assert.rejects(
      roundTrip(await fx.importAddress('us-east', 'dead.shop'), Buffer.from('x')),
    );
    const lines = await waitForLines(logOf('eu-west'), (ls) =>
      ls.some((l) => l.service === 'dead'),
    );
    assert.ok(
      lines.every((l) => l.outcome.startsWith('refused') || l.outcome === 'failed'),
      JSON.stringify(lines),
    );
    assert.equal(lines.find((l) => l.service === 'dead')?.outcome, 'refused:BackendUnreachable');
    assert.ok(!lines.some((l) => l.service === 'echo'), 'sampled-out flows stay out');
  });
});
