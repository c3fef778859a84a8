import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { hasCode } from '../errors/index.js';
import { TokenStore, decodeToken, encodeToken, type IssueTokenOptions } from './index.js';

const grant: IssueTokenOptions = {
  trustDomain: 'prod.example',
  caFingerprint: 'cd'.repeat(32),
  issuerSite: 'eu-west',
  endpoints: [{ host: 'eu.example.com', port: 8443 }],
};
const start = Date.parse('2030-01-01T00:00:00Z');

describe('TokenStore', () => {
  const dirs: string[] = [];
  let path: string;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causeway-tokens-'));
    dirs.push(dir);
    path = join(dir, 'tokens.json');
    now = start;
  });
  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('issues an encodable token that expires after 15 minutes by default', async () => {
    const token = await new TokenStore(path, clock).issue(grant);
    assert.deepEqual(decodeToken(encodeToken(token)), token);
    assert.equal(token.expiresAt.getTime(), start + 15 * 60_000);
    assert.equal(token.issuerSite, 'eu-west');
  });

  it('redeems a single-use token once, then reports replays as used up', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue(grant);
    await store.redeem(token.id, token.secret);
    await assert.rejects(store.redeem(token.id, token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_USED_UP'),
    );
    assert.deepEqual(
      (await store.list()).map((t) => t.usesLeft),
      [0],
    );
  });

  it('counts down multi-use tokens', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue({ ...grant, uses: 3 });
    for (let i = 0; i < 3; i += 1) await store.redeem(token.id, token.secret);
    await assert.rejects(store.redeem(token.id, token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_USED_UP'),
    );
  });

  it('refuses an expired token, still as expired after later writes, and prunes it a day later', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue({ ...grant, ttlMs: 60_000 });
    now = start + 60_000;
    await assert.rejects(store.redeem(token.id, token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_EXPIRED'),
    );
    assert.deepEqual(await store.list(), []);
    await store.issue(grant);
    await assert.rejects(store.redeem(token.id, token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_EXPIRED'),
    );
    now = start + 60_000 + 24 * 60 * 60 * 1000;
    await store.issue(grant);
    await assert.rejects(store.redeem(token.id, token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_UNKNOWN'),
    );
  });

  it('refuses a forged secret without spending a use, and unknown ids', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue(grant);
    const forged = Buffer.alloc(32).toString('base64url');
    await assert.rejects(store.redeem(token.id, forged), (e) => hasCode(e, 'CW_TOKEN_FORGED'));
    await assert.rejects(store.redeem(token.id, ''), (e) => hasCode(e, 'CW_TOKEN_FORGED'));
    await assert.rejects(store.redeem('f'.repeat(32), token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_UNKNOWN'),
    );
    await assert.rejects(store.redeem('../../etc/passwd', token.secret), (e) =>
      hasCode(e, 'CW_TOKEN_UNKNOWN'),
    );
    await store.redeem(token.id, token.secret);
  });

  it('checks the secret before revealing that a token is used up or expired', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue(grant);
    await store.redeem(token.id, token.secret);
    now = start + 60 * 60_000;
    await assert.rejects(store.redeem(token.id, 'x'.repeat(43)), (e) =>
      hasCode(e, 'CW_TOKEN_FORGED'),
    );
  });

  it('keeps the file owner-only and free of secrets', async () => {
    const store = new TokenStore(path, clock);
    const token = await store.issue({ ...grant, uses: 2 });
    await store.redeem(token.id, token.secret);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.ok(text.includes(token.id));
    assert.ok(!text.includes(token.secret));
    assert.ok(!text.includes(Buffer.from(token.secret, 'base64url').toString('hex')));
  });

  it('lets two stores on one file see each other, as the CLI and the router do', async () => {
    const cli = new TokenStore(path, clock);
    const router = new TokenStore(path, clock);
    const token = await cli.issue(grant);
    await router.redeem(token.id, token.secret);
    assert.deepEqual(
      (await cli.list()).map((t) => [t.id, t.usesLeft]),
      [[token.id, 0]],
    );
    const second = await cli.issue(grant);
    assert.equal(await cli.revoke(second.id), true);
    assert.equal(await cli.revoke(second.id), false);
    await assert.rejects(router.redeem(second.id, second.secret), (e) =>
      hasCode(e, 'CW_TOKEN_UNKNOWN'),
    );
  });

  it('never double-spends under concurrent redeems', async () => {
    const store = new TokenStore(path, clock);
    const other = new TokenStore(path, clock);
    const token = await store.issue({ ...grant, uses: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? store : other).redeem(token.id, token.secret),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
    assert.ok(
      results.every((r) => r.status === 'fulfilled' || hasCode(r.reason, 'CW_TOKEN_USED_UP')),
    );
  });

  it('lists tokens oldest first without secrets', async () => {
    const store = new TokenStore(path, clock);
    const first = await store.issue(grant);
    now += 1000;
    const second = await store.issue({ ...grant, uses: 5 });
    const listed = await store.list();
    assert.deepEqual(listed, [
      { id: first.id, usesLeft: 1, expiresAt: first.expiresAt, createdAt: new Date(start) },
      {
        id: second.id,
        usesLeft: 5,
        expiresAt: second.expiresAt,
        createdAt: new Date(start + 1000),
      },
    ]);
  });

  it('rejects nonsense options and a damaged store file', async () => {
    const store = new TokenStore(path, clock);
    await assert.rejects(store.issue({ ...grant, uses: 0 }), (e) => hasCode(e, 'CW_INPUT_INVALID'));
    await assert.rejects(store.issue({ ...grant, ttlMs: -1 }), (e) =>
      hasCode(e, 'CW_INPUT_INVALID'),
    );
    await assert.rejects(store.issue({ ...grant, endpoints: [] }), (e) =>
      hasCode(e, 'CW_INPUT_INVALID'),
    );
    assert.deepEqual(await store.list(), []);
    await writeFile(path, '{"version":1,"tokens":[{"id":"x"}]}');
    await assert.rejects(store.list(), (e) => hasCode(e, 'CW_CONFIG_INVALID'));
  });
});
