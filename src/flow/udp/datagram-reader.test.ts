import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DATAGRAM_HEADER_BYTES,
  DatagramReader,
  MAX_DATAGRAM_BYTES,
  encodeDatagram,
} from './datagram-reader.js';

/** Feeds `bytes` to a reader in pieces cut at `cuts`; returns the datagrams it gave and the reader. */
function readSplit(bytes: Buffer, cuts: number[]): { seen: Buffer[]; reader: DatagramReader } {
  const seen: Buffer[] = [];
  const reader = new DatagramReader((d) => seen.push(Buffer.from(d)));
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    reader.push(bytes.subarray(from, p));
    from = p;
  }
  return { seen, reader };
}

const datagrams = fc.array(
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  {
    maxLength: 40,
  },
);

describe('datagram framing on a link stream', () => {
  it('gives back every datagram with its boundaries, however the bytes are cut', () => {
    fc.assert(
      fc.property(datagrams, fc.array(fc.nat(), { maxLength: 64 }), (sent, cuts) => {
        const wire = Buffer.concat(sent.map(encodeDatagram));
        const { seen, reader } = readSplit(wire, cuts);
        assert.deepEqual(seen, sent);
        assert.equal(reader.buffered, 0);
      }),
    );
  });

  it('keeps empty datagrams and the largest one a length can describe', () => {
    const big = Buffer.alloc(MAX_DATAGRAM_BYTES, 7);
    const wire = Buffer.concat([encodeDatagram(Buffer.alloc(0)), encodeDatagram(big)]);
    const { seen } = readSplit(wire, [1, 2, 3, 40_000]);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.length, 0);
    assert.deepEqual(seen[1], big);
  });

  it('never throws on hostile bytes and never holds more than one datagram', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200_000 }).map((b) => Buffer.from(b)),
        fc.array(fc.nat(), { maxLength: 32 }),
        (bytes, cuts) => {
          const { seen, reader } = readSplit(bytes, cuts);
          assert.ok(reader.buffered < DATAGRAM_HEADER_BYTES + MAX_DATAGRAM_BYTES);
          const delivered = seen.reduce((n, d) => n + DATAGRAM_HEADER_BYTES + d.length, 0);
          assert.equal(delivered + reader.buffered, bytes.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
