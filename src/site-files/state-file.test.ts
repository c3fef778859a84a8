import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStateFile, readStateText } from './state-file.js';

describe('readStateFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-file-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const decodeList = (raw: unknown): string[] => {
    if (!Array.isArray(raw)) throw new TypeError('not a list');
    return raw.map(String);
  };

  it('tells a missing file as absent', async () => {
    assert.deepEqual(await readStateFile(join(dir, 'none.json'), decodeList), { kind: 'absent' });
  });

  it('tells bytes that are not JSON, and JSON the decoder refuses, as corrupt', async () => {
    await writeFile(join(dir, 'torn.json'), '{"members": [');
    await writeFile(join(dir, 'shape.json'), '{"members": []}');
    for (const name of ['torn.json', 'shape.json']) {
      const read = await readStateFile(join(dir, name), decodeList);
      assert.equal(read.kind, 'corrupt', name);
    }
  });

  it('tells a file it may not read as unreadable, not absent', async () => {
    // A directory in the file's place fails with EISDIR even for root, who ignores file modes.
    const read = await readStateText(dir);
    assert.equal(read.kind, 'unreadable');
    assert.equal(read.kind === 'unreadable' && read.error.code, 'EISDIR');
  });

  it('returns the decoded value with the text it came from', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, '["a","b"]');
    await chmod(file, 0o600);
    assert.deepEqual(await readStateFile(file, decodeList), {
      kind: 'ok',
      value: ['a', 'b'],
      text: '["a","b"]',
    });
  });
});
