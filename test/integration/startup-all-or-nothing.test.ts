import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort } from '../support/tcp-probes.js';

/** Holds a TCP port on loopback, as another program would. */
async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

/** Whether anything accepts TCP connections at 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function editYaml(
  file: string,
  change: (doc: Record<string, unknown>) => void,
): Promise<void> {
  const doc = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(doc);
  await writeFile(file, stringify(doc));
}

describe('start-up is all or nothing; a reload that cannot listen keeps the old configuration', () => {
  let fx: ClustersetFixture;
  let taken: { server: Server; port: number };

  before(async () => {
    fx = await ClustersetFixture.create();
    taken = await occupy();
    await fx.initSite('solo');
  });

  after(async () => {
    await fx.close();
    taken.server.close();
  });

  /** `site run` in the foreground: it must stop by itself, with the setting and a fix, link port closed. */
  async function assertStartRefused(setting: RegExp, extra: string[] = []): Promise<CliResult> {
    const linkPort = await freePort();
    await editYaml(
      join(fx.dir('solo'), 'site.yaml'),
      (doc) => (doc['link'] = { ...(doc['link'] as object), listen: `127.0.0.1:${linkPort}` }),
    );
    const result = await runCli(['site', 'run', '--dir', fx.dir('solo'), ...extra], {
      timeoutMs: 15_000,
    });
    assert.notEqual(
      result.code,
      -1,
      `the router kept running half-started; its output:\n${result.stdout.slice(-2000)}`,
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, setting);
    assert.match(result.stderr, /EADDRINUSE/);
    assert.match(result.stderr, /^hint: .*free address/m);
    assert.doesNotMatch(result.stdout, /"msg":"router started"/);
    assert.equal(await accepts(linkPort), false, 'the link port is still open');
    return result;
  }

  it('stops when the DNS port is taken (TCP only), naming dns.listen, before the link port opens', async () => {
    await editYaml(
      join(fx.dir('solo'), 'site.yaml'),
      (doc) => (doc['dns'] = { listen: `127.0.0.1:${taken.port}` }),
    );
    await assertStartRefused(/dns\.listen/);
    await editYaml(join(fx.dir('solo'), 'site.yaml'), (doc) => delete doc['dns']);
  });

  it('stops when a configured import cannot listen, naming imports[0].listen', async () => {
    await editYaml(
      join(fx.dir('solo'), 'site.yaml'),
      (doc) =>
        (doc['imports'] = [{ name: 'web', namespace: 'shop', listen: `127.0.0.1:${taken.port}` }]),
    );
    await assertStartRefused(/imports\[0\]\.listen/);
    await editYaml(join(fx.dir('solo'), 'site.yaml'), (doc) => delete doc['imports']);
  });

  it('stops when the metrics port is taken, naming --metrics-listen', async () => {
    await assertStartRefused(/--metrics-listen/, ['--metrics-listen', `127.0.0.1:${taken.port}`]);
  });

  it('refuses an import onto a port in use: the command fails with the reason, the old config stays', async () => {
    const router = await fx.startRouter('solo');
    const file = join(fx.dir('solo'), 'site.yaml');
    const before = await readFile(file, 'utf8');
    const refused = await fx.cli(
      [
        'import',
        'web',
        '--namespace',
        'shop',
        '--listen',
        `127.0.0.1:${taken.port}`,
        '--dir',
        fx.dir('solo'),
      ],
      true,
    );
    assert.notEqual(refused.code, 0, refused.stdout);
    assert.match(
      refused.stderr,
      /imports\[0\]\.listen: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE/,
    );
    assert.doesNotMatch(refused.stdout, /applied/);
    assert.equal(
      await readFile(file, 'utf8'),
      before,
      'site.yaml kept a change the router refused',
    );
    const status = await router.api.status();
    assert.deepEqual(status.imports, []);
    // The router took the refusal in its stride: the next, possible change applies.
    const ok = await fx.cli([
      'import',
      'web',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('solo'),
    ]);
    assert.match(ok.stdout, /applied to the running router/);
    assert.equal((await router.api.status()).imports.length, 1);
  });
});
