import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeTcpFrame, TcpFrameReader } from './tcp-frame-reader.js';

describe('TcpFrameReader', () => {
  it('reassembles length-prefixed messages however the stream is split', () => {
    const messages = fc.array(
      fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a)),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(messages, fc.array(fc.nat(), { maxLength: 10 }), (sent, cuts) => {
        const stream = Buffer.concat(sent.map(encodeTcpFrame));
        const points = [
          ...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length))),
        ].sort((a, b) => a - b);
        const reader = new TcpFrameReader();
        const received: Buffer[] = [];
        let from = 0;
        for (const to of [...points, stream.length]) {
          received.push(...reader.push(stream.subarray(from, to)));
          from = to;
        }
        assert.deepEqual(received, sent);
      }),
      { numRuns: 500 },
    );
  });
  it('holds a partial message until the rest arrives', () => {
    const reader = new TcpFrameReader();
    assert.deepEqual(reader.push(Buffer.from([0, 3, 1])), []);
    assert.deepEqual(reader.push(Buffer.from([2, 3, 0])), [Buffer.from([1, 2, 3])]);
    assert.deepEqual(reader.push(Buffer.from([0])), [Buffer.alloc(0)]);
  });
});
