import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualRuntime } from './manual-runtime.js';

describe('ManualRuntime', () => {
  it('runs timers that fall due in time order, each at its own time', () => {
    const rt = new ManualRuntime(1_000);
    const seen: Array<[string, number]> = [];
    rt.after(300, () => seen.push(['once', rt.now()]));
    const tick = rt.every(100, () => seen.push(['tick', rt.now()]));
    rt.advance(250);
    assert.deepEqual(seen, [
      ['tick', 1_100],
      ['tick', 1_200],
    ]);
    rt.advance(100);
    tick.cancel();
    rt.advance(1_000);
    assert.deepEqual(seen.slice(2), [
      // Due at the same time: in the order they were scheduled.
      ['once', 1_300],
      ['tick', 1_300],
    ]);
    assert.equal(rt.now(), 2_350);
    assert.equal(rt.pending, 0);
  });

  it('draws the same numbers from the same seed, all in [0, 1)', () => {
    const a = new ManualRuntime(0, 7);
    const b = new ManualRuntime(0, 7);
    const draws = Array.from({ length: 1_000 }, () => a.random());
    assert.deepEqual(
      draws,
      Array.from({ length: 1_000 }, () => b.random()),
    );
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    assert.ok(new Set(draws).size > 990, 'the generator does not repeat early');
  });

  it('resolves a sleep when the clock passes it', async () => {
    const rt = new ManualRuntime();
    let woke = false;
    const sleeping = rt.sleep(50).then(() => (woke = true));
    rt.advance(49);
    await Promise.resolve();
    assert.equal(woke, false);
    rt.advance(1);
    await sleeping;
    assert.equal(woke, true);
  });
});
