import assert from 'node:assert/strict';
import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startNameServer } from '../support/name-server.js';
import { metricValue, waitForLogLines, waitForMetrics } from '../support/router-observations.js';
import { readAll } from '../support/tcp-probes.js';

const linkTo = (peer: string) => (s: StatusReport) => s.links.find((l) => l.peer === peer);
const exportersOf = (s: StatusReport, name: string): string[] =>
  s.imports.find((i) => `${i.name}.${i.namespace}` === name)?.exporters ?? [];
const revokedAt = async (dir: string): Promise<string[]> =>
  (
    JSON.parse(await readFile(join(dir, 'revocations.json'), 'utf8')) as {
      revocations: Array<{ site: string }>;
    }
  ).revocations.map((r) => r.site);
/** The files a backup of a site directory holds (not the running router's socket, log or lock). */
const siteFile = (path: string): boolean =>
  !/(router\.sock|router\.log|runtime\.json|\.lock)$/.test(path);
const members = async (dir: string): Promise<string[]> =>
  (JSON.parse(await readFile(join(dir, 'members.json'), 'utf8')) as { members: string[] }).members;

/**
 * Four real routers: a, b, c in a triangle, d linked to b only. c exports a service a imports.
 * c is revoked with the CA key on a; d with an admin key on b, which holds no CA key.
 */
describe('site revoke: signed, flooded, persisted and enforced at every site', () => {
  let fx: ClustersetFixture;
  let backend: Server;
  const cOldFiles = (): string => join(fx.root, 'c-before-revocation');

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c', 'd']);
    for (const site of ['a', 'b', 'c', 'd']) await fx.startRouter(site);
    await fx.link('b', 'a');
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    await fx.link('d', 'b');
    const served = await startNameServer('served-by-c');
    backend = served.server;
    await fx.cli([
      ...['expose', 'name', '--namespace', 'lab', '--port', '9000'],
      ...['--to', `127.0.0.1:${served.port}`, '--dir', fx.dir('c')],
    ]);
    await fx.cli([
      ...['import', 'name', '--namespace', 'lab', '--listen', '127.0.0.1:0'],
      ...['--dir', fx.dir('a')],
    ]);
    const address = await fx.importAddress('a', 'name.lab');
    assert.equal((await readAll(address)).trim(), 'served-by-c');
    for (const site of ['a', 'b']) await fx.waitFor(site, (s) => s.partition?.members.length === 4);
    // Kept before the revocation: c comes back with these files later.
    await cp(fx.dir('c'), cOldFiles(), { recursive: true, filter: siteFile });
  });

  after(async () => {
    await fx.close();
    backend.close();
  });

  it('refuses a site without the CA key or an admin key, and bad input, with exit 2 and a hint', async () => {
    await rename(join(fx.dir('b'), 'ca.key'), join(fx.root, 'b-ca.key'));
    const noKey = await fx.cli(['site', 'revoke', 'c', '--dir', fx.dir('b')], true);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /holds no CA key/);
    assert.match(noKey.stderr, /hint: .*--admin-key/);
    const self = await fx.cli(['site', 'revoke', 'b', '--dir', fx.dir('b')], true);
    assert.equal(self.code, 2);
    assert.match(self.stderr, /<site>: b is this site/);
    const half = await fx.cli(
      ['site', 'revoke', 'c', '--dir', fx.dir('b'), '--admin-key', 'x', '--output', 'json'],
      true,
    );
    assert.equal(half.code, 2);
    assert.equal(JSON.parse(half.stdout || half.stderr).error.code, 'CW_INPUT_INVALID');
    // Nothing was revoked by any of them.
    assert.deepEqual((await fx.status('a')).revoked, []);
  });

  it('revokes c within a second: links close, its exports leave the imports, it leaves the members', async () => {
    const started = Date.now();
    const result = await fx.cli([
      ...['site', 'revoke', 'c', '--dir', fx.dir('a'), '--reason', 'host compromised'],
      ...['--output', 'json'],
    ]);
    const answered = Date.now();
    assert.deepEqual(JSON.parse(result.stdout), {
      revoked: 'c',
      signer: 'ca',
      added: true,
      live: true,
    });
    const gone = (s: StatusReport): boolean =>
      linkTo('c')(s) === undefined &&
      s.revoked?.includes('c') === true &&
      s.partition?.members.includes('c') === false &&
      !s.routes.some((r) => r.site === 'c');
    await fx.waitFor('a', (s) => gone(s) && exportersOf(s, 'name.lab').length === 0);
    await fx.waitFor('b', gone);
    await fx.waitFor('d', gone);
    // Measured, not asserted (the machine is shared): reported with the test's output.
    console.log(
      `# revoke CLI took ${answered - started} ms; enforced at a, b and d ${Date.now() - answered} ms after it answered`,
    );
    for (const site of ['a', 'b', 'd']) {
      assert.deepEqual(await revokedAt(fx.dir(site)), ['c'], `${site}/revocations.json`);
      assert.ok(!(await members(fx.dir(site))).includes('c'), `${site}/members.json`);
    }
    // The revoked site heard it before its links closed, and says so.
    await waitForLogLines(
      fx.dir('c'),
      (l) => l.msg === 'this site is revoked: the clusterset refuses its certificate',
      1,
      10_000,
    );
    assert.deepEqual(await revokedAt(fx.dir('c')), ['c']);
    const quorum = (await fx.status('a')).partition?.quorum;
    assert.equal(quorum, 2, 'three members left: a, b, d');
  });

  it('refuses c restarted with its old files at the handshake, and its fresh token', async () => {
    await fx.stopRouter('c');
    await rm(fx.dir('c'), { recursive: true, force: true });
    await cp(cOldFiles(), fx.dir('c'), { recursive: true });
    await fx.startRouter('c');
    for (const site of ['a', 'b'])
      await waitForMetrics(
        fx.routers.get(site)!,
        (m) =>
          metricValue(m, 'causeway_link_rejections_total', { reason: 'certificate-revoked' }) >= 1,
        15_000,
      );
    const a = await fx.status('a');
    assert.equal(linkTo('c')(a), undefined);
    assert.ok(!a.partition?.members.includes('c'));
    assert.ok(!(await members(fx.dir('a'))).includes('c'));
    // A token from a current member does not let it back in either.
    const token = await fx.cli(['token', 'issue', '--dir', fx.dir('b')]);
    const file = join(fx.root, 'b-for-c.token');
    await writeFile(file, token.stdout);
    const redeem = await fx.cli(
      ['link', 'create', '--dir', fx.dir('c'), '--token', file, '--output', 'json'],
      true,
    );
    assert.equal(redeem.code, 4);
    assert.match(redeem.stdout + redeem.stderr, /CW_SITE_REVOKED|site c is revoked/);
  });

  it('revokes d with an admin key from a site holding no CA key', async () => {
    await fx.cli(['admin', 'issue', '--name', 'ops', '--dir', fx.dir('a'), '--out', fx.root]);
    const result = await fx.cli([
      ...['site', 'revoke', 'd', '--dir', fx.dir('b'), '--output', 'json'],
      ...['--admin-key', join(fx.root, 'admin-ops.key')],
      ...['--admin-cert', join(fx.root, 'admin-ops.crt')],
    ]);
    assert.equal(JSON.parse(result.stdout).signer, 'admin/ops');
    await fx.waitFor('a', (s) => s.revoked?.join() === 'c,d' && linkTo('d')(s) === undefined);
    await fx.waitFor('b', (s) => s.revoked?.join() === 'c,d' && linkTo('d')(s) === undefined);
    assert.deepEqual(await revokedAt(fx.dir('a')), ['c', 'd']);
    assert.equal((await fx.status('a')).partition?.members.join(), 'a,b');
  });
});
