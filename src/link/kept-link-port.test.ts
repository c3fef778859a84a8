import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keepLinkPort, keptLinkListen } from './kept-link-port.js';

describe('kept link port', () => {
  it('keeps a port chosen for port 0, for that listen address only, and ignores a damaged file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causeway-kept-'));
    const file = join(dir, 'link-port.json');
    try {
      assert.equal(await keptLinkListen(file, '127.0.0.1:0'), '127.0.0.1:0', 'nothing kept yet');
      await keepLinkPort(file, '127.0.0.1:0', 43123);
      assert.equal(await keptLinkListen(file, '127.0.0.1:0'), '127.0.0.1:43123');
      assert.equal(
        await keptLinkListen(file, '0.0.0.0:0'),
        '0.0.0.0:0',
        'another listen address starts afresh',
      );
      assert.equal(
        await keptLinkListen(file, '127.0.0.1:7443'),
        '127.0.0.1:7443',
        'a fixed port is used as configured',
      );
      await keepLinkPort(file, '127.0.0.1:7443', 7443);
      assert.equal(
        await keptLinkListen(file, '127.0.0.1:0'),
        '127.0.0.1:43123',
        'a fixed port is not recorded',
      );
      for (const text of [
        '{',
        '{"listen":"127.0.0.1:0","port":70000}',
        '{"listen":"127.0.0.1:0","port":"1"}',
        'null',
      ]) {
        await writeFile(file, text);
        assert.equal(await keptLinkListen(file, '127.0.0.1:0'), '127.0.0.1:0', text);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
