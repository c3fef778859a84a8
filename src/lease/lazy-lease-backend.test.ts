import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedLeaseBackend } from './embedded-lease-backend.js';
import { LazyLeaseBackend } from './lazy-lease-backend.js';

describe('LazyLeaseBackend', () => {
  it('loads the backend once, on first use, and closes only what it loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causeway-lazy-'));
    try {
      let loads = 0;
      const open = (): LazyLeaseBackend =>
        new LazyLeaseBackend(async () => {
          loads += 1;
          return new EmbeddedLeaseBackend({ path: join(dir, 'leases.json') });
        });
      await open().close();
      assert.equal(loads, 0, 'closing an unused backend loads nothing');
      const lazy = open();
      const [first, again] = await Promise.all([lazy.acquire('w', 'a', 5_000), lazy.get('w')]);
      assert.equal(loads, 1, 'concurrent first calls share one load');
      assert.equal(first.acquired, true);
      assert.ok(again === undefined || again.holder === 'a');
      assert.equal((await lazy.list()).length, 1);
      assert.equal(await lazy.release('w', 'a'), true);
      await lazy.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a load that fails fails the call, with the loader's error", async () => {
    const lazy = new LazyLeaseBackend(async () => {
      throw new Error('no client library');
    });
    await assert.rejects(lazy.get('w'), /no client library/);
  });
});
