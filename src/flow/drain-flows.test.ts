import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createLogger } from '../observability/index.js';
import { ManualRuntime } from '../runtime/index.js';
import { drainFlows } from './drain-flows.js';

const logger = createLogger('test', 'silent');

/** Moves the manual clock in poll-sized steps, letting the drain loop schedule its next look. */
async function advanceBy(rt: ManualRuntime, ms: number, step = 10): Promise<void> {
  for (let moved = 0; moved < ms; moved += step) {
    await turn();
    rt.advance(step);
  }
  await turn();
}

describe('drainFlows', () => {
  it('resolves at the first look after the last flow ends, with nothing left', async () => {
    const rt = new ManualRuntime(5_000);
    let flows = 2;
    rt.after(70, () => (flows -= 1));
    rt.after(120, () => (flows -= 1));
    let result: { remaining: number; waitedMs: number } | undefined;
    void drainFlows(() => flows, 30_000, rt, logger).then((r) => (result = r));
    await advanceBy(rt, 140);
    assert.equal(result, undefined, 'resolved before the look at 150 ms');
    await advanceBy(rt, 10);
    assert.deepEqual(result, { remaining: 0, waitedMs: 150 });
  });

  it('gives up at the timeout and reports the flows still open', async () => {
    const rt = new ManualRuntime();
    let result: { remaining: number; waitedMs: number } | undefined;
    void drainFlows(() => 3, 200, rt, logger).then((r) => (result = r));
    await advanceBy(rt, 190);
    assert.equal(result, undefined, 'gave up before the timeout');
    await advanceBy(rt, 10);
    assert.deepEqual(result, { remaining: 3, waitedMs: 200 });
  });

  it('does not wait at all when no flow is open', async () => {
    const rt = new ManualRuntime();
    assert.deepEqual(await drainFlows(() => 0, 1_000, rt, logger), { remaining: 0, waitedMs: 0 });
    assert.equal(rt.pending, 0);
  });
});
