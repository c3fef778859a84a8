import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PartitionView, writeSafeModeFile } from './partition-view.js';

describe('PartitionView', () => {
  it('refuses a corrupt or unreadable members.json with a typed error and a hint, never a raw SyntaxError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-partition-'));
    const file = join(dir, 'members.json');
    for (const text of ['{"members": ["a", "b"', '["a"]', '{"members": "a"}']) {
      await writeFile(file, text);
      await assert.rejects(
        new PartitionView('a', file).load(),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, 'CW_CONFIG_INVALID');
          assert.match(err.message, /members\.json.*corrupt/);
          assert.match(err.hint ?? '', /restore it/);
          return true;
        },
      );
    }
    // A directory where the file should be: there, but not readable as a file.
    await assert.rejects(new PartitionView('a', dir).load(), /unreadable/);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps counting sites it cannot reach, across restarts, so the minority knows it is one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-partition-'));
    const file = join(dir, 'members.json');
    const view = new PartitionView('a', file);
    await view.load();
    await view.observe(['a', 'b', 'c']);
    assert.equal(view.evaluate(() => true).report.majority, true);
    const cut = view.evaluate((s) => s === 'a');
    assert.equal(cut.changed, true);
    assert.deepEqual(cut.report.unreachable, ['b', 'c']);
    assert.equal(cut.report.majority, false);
    assert.equal(view.evaluate((s) => s === 'a').changed, false);
    // A restarted router that has forgotten every advert still knows the membership.
    const restarted = new PartitionView('a', file);
    await restarted.load();
    assert.equal(restarted.evaluate((s) => s === 'a').report.majority, false);
    assert.equal(restarted.evaluate((s) => s !== 'c').report.majority, true);
    assert.equal(await restarted.forget('c'), true);
    assert.equal(restarted.evaluate((s) => s === 'a').report.quorum, 2);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the safe-mode file only while in the minority', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-safe-'));
    const file = join(dir, 'safe-mode');
    const view = new PartitionView('a', join(dir, 'members.json'));
    await view.load();
    await view.observe(['b', 'c']);
    await writeSafeModeFile(file, view.evaluate((s) => s === 'a').report);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).safeMode, true);
    await writeSafeModeFile(file, view.evaluate(() => true).report);
    await assert.rejects(stat(file));
    await rm(dir, { recursive: true, force: true });
  });
});
