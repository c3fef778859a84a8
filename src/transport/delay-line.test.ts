import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualRuntime } from '../runtime/index.js';
import { DelayLine } from './delay-line.js';

describe('DelayLine', () => {
  it('hands a chunk on after its delay, not before', () => {
    const runtime = new ManualRuntime(1_000);
    const got: string[] = [];
    const line = new DelayLine(runtime, (c) => got.push(c.toString()));
    line.push(Buffer.from('a'), 75);
    runtime.advance(74);
    assert.deepEqual(got, []);
    runtime.advance(1);
    assert.deepEqual(got, ['a']);
    assert.equal(line.holding, false);
  });

  it('never lets a chunk overtake an earlier one, whatever the delays drawn', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 40 }), (delays) => {
        const runtime = new ManualRuntime(0);
        const got: number[] = [];
        const line = new DelayLine(runtime, (c) => got.push(c.readUInt8(0)));
        delays.forEach((d, i) => line.push(Buffer.from([i]), d));
        runtime.advance(400);
        assert.deepEqual(
          got,
          delays.map((_, i) => i),
        );
      }),
    );
  });

  it('drops what it holds on clear', () => {
    const runtime = new ManualRuntime(0);
    const got: Buffer[] = [];
    const line = new DelayLine(runtime, (c) => got.push(c));
    line.push(Buffer.from('x'), 10);
    line.clear();
    runtime.advance(50);
    assert.equal(got.length, 0);
  });
});
