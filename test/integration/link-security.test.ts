import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { RouterProcess } from '../../src/demo/index.js';
import { generateKeyPair, issueSiteCertificate } from '../../src/pki/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort, roundTrip, startEchoServer } from '../support/tcp-probes.js';
import {
  metricSeries,
  metricValue,
  waitForLogLines,
  waitForMetrics,
  type LogLine,
} from '../support/router-observations.js';

const REJECTIONS = 'causeway_link_rejections_total';
const PROBE_TIMEOUT_MS = 5_000;

type ProbeResult = {
  data: Buffer;
  error: NodeJS.ErrnoException | undefined;
  ms: number;
  secureConnected: boolean;
};

/** Opens a socket (plain TCP or TLS), optionally writes, and resolves once the far side closes it. */
function probe(open: () => Socket, payload?: string | Buffer): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = open();
    const chunks: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    let secureConnected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the link port kept the connection open for ${PROBE_TIMEOUT_MS} ms`));
    }, PROBE_TIMEOUT_MS);
    socket.on('connect', () => {
      if (payload !== undefined) socket.write(payload);
    });
    socket.on('secureConnect', () => (secureConnected = true));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => (error = err));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), error, ms: Date.now() - started, secureConnected });
    });
  });
}

describe('link port: hostile connections are refused, logged, counted, and survived', () => {
  let fx: ClustersetFixture;
  let backend: { server: Server; port: number };
  let alpha: RouterProcess;
  let linkPort: number;
  let trustDomain: string;

  const refusals = (reason: string) => (line: LogLine) =>
    line.msg === 'link connection refused' && line['reason'] === reason;

  /** The accepting router is alive, still has its link to beta, and still carries a flow over it. */
  async function assertStillServing(): Promise<void> {
    assert.equal(alpha.child.exitCode, null, 'the router process exited');
    assert.equal(alpha.child.signalCode, null, 'the router process was killed');
    const status = await alpha.api.status();
    assert.equal(status.links.find((l) => l.peer === 'beta')?.state, 'up');
    const payload = randomBytes(4096);
    const reply = await roundTrip(await fx.importAddress('beta', 'echo.shop'), payload);
    assert.ok(reply.equals(payload), 'the echo flow over the link came back different');
  }

  async function rejections(): Promise<Map<string, number>> {
    return metricSeries(await alpha.api.metrics(), REJECTIONS);
  }

  before(async () => {
    fx = await ClustersetFixture.create();
    backend = await startEchoServer();
    await Promise.all([fx.initSite('alpha'), fx.initSite('beta'), fx.initSite('outsider')]);
    alpha = await fx.startRouter('alpha');
    await fx.startRouter('beta');
    await fx.link('beta', 'alpha');
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
      fx.dir('alpha'),
    ]);
    // No active checks: they would take the dead export out of rotation at beta, and this test
    // is about the egress side refusing a flow whose backend died between checks.
    await fx.cli([
      'expose',
      'dead',
      '--namespace',
      'shop',
      '--port',
      '7000',
      '--to',
      `127.0.0.1:${await freePort()}`,
      '--check',
      'none',
      '--dir',
      fx.dir('alpha'),
    ]);
    await fx.cli([
      'import',
      'echo',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('beta'),
    ]);
    await fx.cli([
      'import',
      'dead',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('beta'),
    ]);
    const status = await fx.waitFor('alpha', (s) =>
      s.links.some((l) => l.peer === 'beta' && l.state === 'up'),
    );
    linkPort = alpha.runtime.linkAddress.port;
    trustDomain = status.site.trustDomain;
    await assertStillServing();
  });

  after(async () => {
    await fx.close();
    backend.server.close();
  });

  it('refuses garbage bytes and an HTTP request as handshake failures', async () => {
    const before = metricValue(await alpha.api.metrics(), REJECTIONS, { reason: 'handshake' });
    const logged = (await waitForLogLines(alpha.dir, refusals('handshake'), 0)).length;

    const junk = await probe(() => connect(linkPort, '127.0.0.1'), randomBytes(600));
    const http = await probe(
      () => connect(linkPort, '127.0.0.1'),
      'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    for (const result of [junk, http]) {
      assert.ok(result.ms < 2_000, `closed only after ${result.ms} ms`);
      assert.ok(
        !result.data.toString('latin1').includes('HTTP/'),
        'the link port answered like an HTTP server',
      );
    }

    await waitForMetrics(
      alpha,
      (t) => metricValue(t, REJECTIONS, { reason: 'handshake' }) === before + 2,
    );
    const lines = await waitForLogLines(alpha.dir, refusals('handshake'), logged + 2);
    for (const line of lines.slice(logged)) {
      assert.equal(line.level, 40, 'refusals are logged at warn level');
      assert.equal(line['site'], 'alpha');
      assert.equal(typeof line['error'], 'string');
      assert.equal(line['remote'], '127.0.0.1');
    }
    await assertStillServing();
  });

  it('refuses a client certificate from another clusterset CA', async () => {
    const outsider = fx.dir('outsider');
    const [key, cert] = await Promise.all([
      readFile(`${outsider}/site.key`, 'utf8'),
      readFile(`${outsider}/site.crt`, 'utf8'),
    ]);
    const before = await rejections();
    const result = await probe(() => tlsConnect(tlsOptions({ key, cert })));

    assert.equal(result.data.length, 0, 'the router sent link data (a HELLO) to an untrusted peer');
    const after = await waitForMetrics(
      alpha,
      (t) =>
        metricValue(t, REJECTIONS, { reason: 'certificate-untrusted' }) ===
        (before.get('reason="certificate-untrusted"') ?? 0) + 1,
    );
    assert.equal(
      sumOf(metricSeries(after, REJECTIONS)),
      sumOf(before) + 1,
      'exactly one refusal was counted',
    );
    const [line] = (await waitForLogLines(alpha.dir, refusals('certificate-untrusted'), 1)).slice(
      -1,
    );
    assert.match(String(line?.['error']), /UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)/);
    await assertStillServing();
  });

  it('counts a client offering another ALPN protocol as alpn and answers with the TLS alert', async () => {
    const before = await rejections();
    const result = await probe(() => tlsConnect({ ...tlsOptions({}), ALPNProtocols: ['h2'] }));
    assert.equal(result.secureConnected, false);
    assert.match(String(result.error?.code), /NO_APPLICATION_PROTOCOL/);
    await waitForMetrics(
      alpha,
      (t) =>
        metricValue(t, REJECTIONS, { reason: 'alpn' }) === (before.get('reason="alpn"') ?? 0) + 1,
    );
    assert.equal(
      metricValue(await alpha.api.metrics(), REJECTIONS, { reason: 'handshake' }),
      before.get('reason="handshake"') ?? 0,
      'the ALPN refusal was also counted as handshake',
    );
    await assertStillServing();
  });

  it('ends the TLS session of a certificate from another CA with an alert, not a bare TCP close', async () => {
    const outsider = fx.dir('outsider');
    // openssl s_client prints every TLS record it reads with -msg: the refusal must be one.
    const output = await new Promise<string>((resolve) => {
      const child = execFile(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${linkPort}`,
          '-tls1_3',
          '-alpn',
          'causeway-link/1',
          '-cert',
          `${outsider}/site.crt`,
          '-key',
          `${outsider}/site.key`,
          '-msg',
          '-ign_eof',
        ],
        { timeout: PROBE_TIMEOUT_MS },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      );
      child.stdin?.end();
    });
    assert.match(output, /<<< TLS 1\.3, Alert/, `no TLS alert reached the client:\n${output}`);
    await assertStillServing();
  });

  it('refuses a link connection that presents no client certificate', async () => {
    const before = await rejections();
    const result = await probe(() => tlsConnect(tlsOptions({})));
    assert.equal(result.data.length, 0);
    await waitForMetrics(
      alpha,
      (t) =>
        metricValue(t, REJECTIONS, { reason: 'certificate-missing' }) ===
        (before.get('reason="certificate-missing"') ?? 0) + 1,
    );
    await waitForLogLines(alpha.dir, refusals('certificate-missing'), 1);
    await assertStillServing();
  });

  it('refuses an expired certificate signed by the same clusterset CA', async () => {
    const dir = fx.dir('alpha');
    const [caCertPem, caKeyPem] = await Promise.all([
      readFile(`${dir}/ca.crt`, 'utf8'),
      readFile(`${dir}/ca.key`, 'utf8'),
    ]);
    const keys = await generateKeyPair();
    const day = 24 * 60 * 60 * 1000;
    const cert = await issueSiteCertificate({
      caCertPem,
      caKeyPem,
      trustDomain,
      siteId: 'beta', // a real member's name: only the dates are wrong
      publicKeyPem: keys.publicKeyPem,
      notBefore: new Date(Date.now() - 30 * day),
      notAfter: new Date(Date.now() - day),
    });
    const before = await rejections();
    const result = await probe(() => tlsConnect(tlsOptions({ key: keys.privateKeyPem, cert })));

    assert.equal(result.data.length, 0, 'the router sent link data to an expired peer');
    const after = await waitForMetrics(
      alpha,
      (t) => sumOf(metricSeries(t, REJECTIONS)) === sumOf(before) + 1,
    );
    // Observed on Node 20 / OpenSSL 3: the handshake completes (the listener verifies by hand) and
    // the refusal carries OpenSSL's CERT_HAS_EXPIRED, not a generic handshake failure.
    assert.equal(
      metricValue(after, REJECTIONS, { reason: 'certificate-expired' }),
      (before.get('reason="certificate-expired"') ?? 0) + 1,
    );
    const [line] = (await waitForLogLines(alpha.dir, refusals('certificate-expired'), 1)).slice(-1);
    assert.match(String(line?.['error']), /CERT_HAS_EXPIRED/);
    // The refused connection must not have disturbed the real beta link.
    assert.equal((await alpha.api.status()).links.find((l) => l.peer === 'beta')?.connections, 1);
    await assertStillServing();
  });

  it('resets a flow to a dead backend quickly, counts it as failed, and keeps serving', async () => {
    const address = await fx.importAddress('beta', 'dead.shop');
    const result = await probe(() => connect(address.port, address.host), 'hello?');
    assert.ok(result.ms < 2_000, `the client waited ${result.ms} ms for the reset`);
    assert.equal(result.data.length, 0, 'the client received data from a dead backend');
    assert.equal(
      result.error?.code,
      'ECONNRESET',
      `expected a reset, got ${result.error?.code ?? 'a clean close'}`,
    );

    const cli = await fx.cli(['status', '--dir', fx.dir('beta'), '--output', 'json']);
    const beta = JSON.parse(cli.stdout) as {
      imports: Array<{ name: string; flows: { failed: number; active: number } }>;
    };
    const deadImport = beta.imports.find((i) => i.name === 'dead');
    assert.equal(deadImport?.flows.failed, 1);
    assert.equal(deadImport?.flows.active, 0);
    const alphaStatus = await fx.waitFor('alpha', (s) =>
      s.exports.some((e) => e.name === 'dead' && e.flows.failed === 1),
    );
    assert.equal(alphaStatus.exports.find((e) => e.name === 'echo')?.flows.failed, 0);
    const text = await fx.cli(['status', '--dir', fx.dir('alpha')]);
    assert.match(text.stdout, /FAILED/);
    await waitForLogLines(
      alpha.dir,
      (l) =>
        l.msg === 'flow refused' &&
        l['service'] === 'dead.shop' &&
        /ECONNREFUSED/.test(String(l['reason'])),
      1,
    );
    await assertStillServing();
  });

  it('still accepts a new, legitimate site after all the refusals', async () => {
    await fx.initSite('late');
    await fx.link('late', 'alpha');
    await fx.startRouter('late');
    await fx.waitFor('alpha', (s) => s.links.some((l) => l.peer === 'late' && l.state === 'up'));
    await fx.cli([
      'import',
      'echo',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('late'),
    ]);
    const reply = await roundTrip(
      await fx.importAddress('late', 'echo.shop'),
      Buffer.from('late ping'),
    );
    assert.equal(reply.toString(), 'late ping');
  });

  function tlsOptions(identity: { key?: string; cert?: string }): ConnectionOptions {
    return {
      host: '127.0.0.1',
      port: linkPort,
      ...identity,
      ALPNProtocols: ['causeway-link/1'],
      minVersion: 'TLSv1.3',
      rejectUnauthorized: false,
    };
  }
});

function sumOf(series: Map<string, number>): number {
  return [...series.values()].reduce((a, b) => a + b, 0);
}
