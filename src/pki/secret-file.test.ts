import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, writeSecretFile } from './index.js';

describe('writeSecretFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-secret-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a private key readable by the owner only', async () => {
    const path = join(dir, 'site.key');
    const { privateKeyPem } = await generateKeyPair();
    await writeSecretFile(path, privateKeyPem);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), privateKeyPem);
  });

  it('replaces a world-readable file and leaves no temp files behind', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeSecretFile(path, new TextEncoder().encode('new'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('fails without leaving a temp file when the directory does not exist', async () => {
    await assert.rejects(writeSecretFile(join(dir, 'missing', 'x'), 'x'), { code: 'ENOENT' });
  });
});
