import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { createThrowawayCert, type ThrowawayCert } from '../../bench/paths/throwaway-cert.js';
import { BENCH_SERVER_NAME } from '../../bench/peers/tls-material.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

const run = promisify(execFile);

describe('an HTTP/2 backend that speaks TLS, reached with ALPN h2 through an import', () => {
  let fx: ClustersetFixture;
  let cert: ThrowawayCert;
  let backend: Http2SecureServer;

  before(async () => {
    fx = await ClustersetFixture.create();
    cert = await createThrowawayCert();
    const [key, pem] = await Promise.all([readFile(cert.keyFile), readFile(cert.certFile, 'utf8')]);
    backend = createSecureServer({ key, cert: pem, ALPNProtocols: ['h2'] });
    backend.on('stream', (stream) => {
      const alpn = stream.session?.alpnProtocol ?? 'none';
      stream.respond({ ':status': 200, 'x-alpn': String(alpn) });
      stream.end('tls ok');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    await fx.initClusterset(['eu-west', 'us-east']);
    await fx.cli([
      'expose',
      'secure',
      '--namespace',
      'shop',
      '--port',
      '8443',
      '--to',
      `127.0.0.1:${(backend.address() as AddressInfo).port}`,
      '--app-protocol',
      'http2',
      '--dir',
      fx.dir('eu-west'),
    ]);
    // The export says how its backend is reached: the name its certificate carries and the CA to trust.
    const file = join(fx.dir('eu-west'), 'site.yaml');
    const config = parse(await readFile(file, 'utf8')) as {
      exports: Array<Record<string, unknown>>;
    };
    for (const e of config.exports)
      e.exportedAnnotations = {
        'causeway.io/backend-tls-server-name': BENCH_SERVER_NAME,
        'causeway.io/backend-tls-ca': pem,
      };
    await writeFile(file, stringify(config));
    await fx.startRouter('eu-west');
    await fx.startRouter('us-east');
    await fx.link('us-east', 'eu-west');
    await fx.cli([
      'import',
      'secure',
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
    backend.close();
    await cert.remove();
  });

  it('answers an h2c client from the TLS backend, which saw ALPN h2', async () => {
    const address = await fx.importAddress('us-east', 'secure.shop');
    const { stdout } = await run('curl', [
      '-s',
      '-i',
      '--http2-prior-knowledge',
      '--max-time',
      '10',
      `http://${address.host}:${address.port}/`,
    ]);
    assert.match(stdout, /^HTTP\/2 200/);
    assert.match(stdout, /x-alpn: h2/);
    assert.match(stdout, /tls ok$/);
  });
});
