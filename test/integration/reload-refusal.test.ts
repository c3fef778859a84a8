import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

/** Holds a TCP port on loopback, as another program would. */
async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

function errorOf(stderr: string): { code: string; message: string; hint?: string } {
  return (
    JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as {
      error: { code: string; message: string; hint?: string };
    }
  ).error;
}

/** b dials a; b's router is the one that refuses. */
describe("a change the running router refuses fails with the router's reason and leaves site.yaml as it was", () => {
  let fx: ClustersetFixture;
  let taken: { server: Server; port: number };
  let file: string;

  before(async () => {
    fx = await ClustersetFixture.create();
    taken = await occupy();
    await fx.initClusterset(['a', 'b']);
    await fx.startRouter('a');
    await fx.startRouter('b');
    file = join(fx.dir('b'), 'site.yaml');
  });

  after(async () => {
    await fx.close();
    taken.server.close();
  });

  it('carries the router\'s own error code and exit code, not "bad input" for every refusal', async () => {
    const refused = await fx.cli(
      [
        'import',
        'web',
        '--namespace',
        'shop',
        '--listen',
        `127.0.0.1:${taken.port}`,
        '--dir',
        fx.dir('b'),
        '--output',
        'json',
      ],
      true,
    );
    assert.equal(refused.code, 2, refused.stderr);
    const error = errorOf(refused.stderr);
    assert.equal(error.code, 'CW_CONFIG_INVALID');
    assert.match(
      error.message,
      /imports\[0\]\.listen: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE/,
    );
    // The hint is one the user can follow: the refused import is not in site.yaml to be edited there.
    assert.match(
      error.hint ?? '',
      /`causeway import web --namespace shop --listen <address>`, or in .*site\.yaml\) to a free address/,
    );
  });

  it('a site.id changed by hand is refused naming the field, and the router keeps its id', async () => {
    const before = await readFile(file, 'utf8');
    const doc = parse(before) as { site: { id: string } };
    doc.site.id = 'renamed';
    await writeFile(file, stringify(doc));
    try {
      const refused = await fx.cli(
        [
          'expose',
          'web',
          '--namespace',
          'shop',
          '--port',
          '80',
          '--to',
          '127.0.0.1:9',
          '--dir',
          fx.dir('b'),
          '--output',
          'json',
        ],
        true,
      );
      assert.equal(refused.code, 2, refused.stderr);
      const error = errorOf(refused.stderr);
      assert.equal(error.code, 'CW_CONFIG_INVALID');
      assert.match(error.message, /site\.id: changed on disk from b to renamed/);
      assert.match(error.hint ?? '', /put site\.id back to b/);
      assert.equal((await fx.status('b')).site.id, 'b');
    } finally {
      await writeFile(file, before);
    }
  });

  it('link create: the refused reload puts site.yaml back, and the command fails with the reason', async () => {
    // An import on a port someone else holds, written by hand while the router runs: every reload fails on it.
    const before = `${await readFile(file, 'utf8')}imports:\n  - name: web\n    namespace: shop\n    listen: "127.0.0.1:${taken.port}"\n`;
    await writeFile(file, before.replace(/^imports: \[\]\n/m, ''));
    const written = await readFile(file, 'utf8');
    const token = await fx.cli(['token', 'issue', '--dir', fx.dir('a')]);
    const tokenFile = join(fx.root, 'a.token');
    await writeFile(tokenFile, token.stdout);
    const refused = await fx.cli(
      ['link', 'create', '--dir', fx.dir('b'), '--token', tokenFile, '--output', 'json'],
      true,
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(errorOf(refused.stderr).message, /imports\[0\]\.listen: cannot listen/);
    assert.equal(await readFile(file, 'utf8'), written, 'site.yaml kept a link the router refused');
    assert.deepEqual((await fx.status('b')).links, []);
  });

  it('link remove: a refused reload keeps the link, in site.yaml and in removed-peers.json alike', async () => {
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(/^imports:\n( {2}.*\n| {4}.*\n)*/m, 'imports: []\n'),
    );
    await fx.link('b', 'a');
    await fx.waitFor('b', (s) => s.links.some((l) => l.peer === 'a' && l.state === 'up'));
    await writeFile(
      file,
      `${(await readFile(file, 'utf8')).replace(/^imports: \[\]\n/m, '')}imports:\n  - name: web\n    namespace: shop\n    listen: "127.0.0.1:${taken.port}"\n`,
    );
    const written = await readFile(file, 'utf8');
    const refused = await fx.cli(
      ['link', 'remove', 'a', '--dir', fx.dir('b'), '--output', 'json'],
      true,
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(await readFile(file, 'utf8'), written);
    const removed = await readFile(join(fx.dir('b'), 'removed-peers.json'), 'utf8').catch(
      () => '{"peers":[]}',
    );
    assert.deepEqual(
      (JSON.parse(removed) as { peers: string[] }).peers,
      [],
      'a is refused although site.yaml still dials it',
    );
    assert.equal((await fx.status('b')).links.find((l) => l.peer === 'a')?.state, 'up');
  });
});
