import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createClustersetCa } from '../pki/index.js';
import { RevocationList } from './revocation-list.js';
import { encodeRevocation, signRevocation } from './site-revocation.js';

const trustDomain = 'prod.example';

describe('the revocation list of one site', () => {
  let dir: string;
  let ca: { certPem: string; keyPem: string };
  let forger: { certPem: string; keyPem: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-revocations-'));
    ca = await createClustersetCa({ trustDomain });
    forger = await createClustersetCa({ trustDomain });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function list(file: string) {
    const floods: Array<{ site: string; from: string | undefined }> = [];
    const revoked: string[] = [];
    const refused: string[] = [];
    const revocations = new RevocationList({
      self: 'alpha',
      file,
      lock: `${file}.lock`,
      trust: () => ({ caPem: ca.certPem, trustDomain }),
      flood: (payload, from) =>
        floods.push({ site: (JSON.parse(payload.toString()) as { site: string }).site, from }),
      revoked: (r) => revoked.push(r.site),
      refused: (peer) => refused.push(peer),
      logger: pino({ level: 'silent' }),
    });
    return { revocations, floods, revoked, refused };
  }

  it('applies, persists and floods a new revocation once, on to every peer but its sender', async () => {
    const file = join(dir, 'a.json');
    const { revocations, floods, revoked } = list(file);
    const payload = encodeRevocation(signRevocation('beta', '', trustDomain, ca, 1));
    assert.equal(revocations.receive('gamma', payload), true);
    assert.equal(revocations.receive('delta', payload), true);
    assert.deepEqual(revoked, ['beta']);
    assert.deepEqual(floods, [{ site: 'beta', from: 'gamma' }]);
    assert.ok(revocations.has('beta'));
    // Saved behind the call; a fresh list (a restart) reads it back and enforces it.
    const deadline = Date.now() + 5_000;
    while (
      Date.now() < deadline &&
      !(await readFile(file, 'utf8').catch(() => '')).includes('beta')
    )
      await new Promise((r) => setTimeout(r, 10));
    const restarted = list(file);
    await restarted.revocations.load();
    assert.deepEqual(restarted.revoked, ['beta']);
  });

  it('refuses a forged one without applying or flooding it, and leaves adverts alone', () => {
    const { revocations, floods, revoked, refused } = list(join(dir, 'b.json'));
    const forged = encodeRevocation(signRevocation('beta', '', trustDomain, forger, 1));
    assert.equal(revocations.receive('gamma', forged), true);
    assert.deepEqual([floods, revoked, refused], [[], [], ['gamma']]);
    assert.equal(revocations.receive('gamma', Buffer.from('{"type":"site"}')), false);
  });

  it('refuses to start on a corrupt file, naming it', async () => {
    const file = join(dir, 'c.json');
    await writeFile(file, '{"revocations": [{"type":"revocation"}]}');
    await assert.rejects(list(file).revocations.load(), /c\.json: the revoked sites are corrupt/);
  });
});
