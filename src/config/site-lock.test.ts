import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withSiteLock } from './site-lock.js';

const namespace = readlinkSync('/proc/self/ns/pid').replace(/\s/g, '');

describe('withSiteLock', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'causeway-lock-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('breaks a lock left by an earlier process that had this pid (a restarted container)', async () => {
    const lock = join(dir, 'same-pid.lock');
    await writeFile(lock, `${process.pid} ${namespace} token-of-the-killed-process`);
    assert.equal(await withSiteLock(lock, () => Promise.resolve('ran'), 500), 'ran');
  });

  it('waits for a live holder in this pid namespace', async () => {
    const lock = join(dir, 'held.lock');
    let inside = '';
    await withSiteLock(lock, async () => {
      inside = await readFile(lock, 'utf8');
      await assert.rejects(
        withSiteLock(lock, () => Promise.resolve(), 100),
        { code: 'CW_SITE_LOCKED' },
      );
    });
    assert.match(inside, new RegExp(`^${process.pid} `));
  });

  it('respects a fresh lock from another pid namespace and breaks an old one', async () => {
    const lock = join(dir, 'foreign.lock');
    await writeFile(lock, `1 pid:[1] another-container`);
    await assert.rejects(
      withSiteLock(lock, () => Promise.resolve(), 100),
      { code: 'CW_SITE_LOCKED' },
    );
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(lock, minuteAgo, minuteAgo);
    assert.equal(await withSiteLock(lock, () => Promise.resolve('ran'), 500), 'ran');
  });
});
