import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { FrameType, MAX_CONTROL_PAYLOAD, encodeFrame } from './frame.js';
import { FrameDecoder } from './frame-decoder.js';

type Seen = { type: number; stream: number; payload: Buffer };

/** Decodes `bytes` split at the given cut points, re-joining DATA pieces per frame. */
function decodeSplit(bytes: Buffer, cuts: number[]): Seen[] {
  const seen: Seen[] = [];
  let data: { stream: number; parts: Buffer[] } | undefined;
  const flushData = (): void => {
    if (data !== undefined)
      seen.push({ type: FrameType.Data, stream: data.stream, payload: Buffer.concat(data.parts) });
    data = undefined;
  };
  const decoder = new FrameDecoder({
    frame: (type, stream, payload) => {
      flushData();
      seen.push({ type, stream, payload: Buffer.from(payload) });
    },
    data: (stream, chunk) => {
      if (data !== undefined && data.stream !== stream) flushData();
      data ??= { stream, parts: [] };
      data.parts.push(Buffer.from(chunk));
    },
  });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    decoder.push(bytes.subarray(from, p));
    from = p;
  }
  flushData();
  return seen;
}

const streamFrame = fc.record({
  type: fc.constantFrom(FrameType.Open, FrameType.Fin, FrameType.Reset, FrameType.Window),
  stream: fc.integer({ min: 1, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
});
const connectionFrame = fc.record({
  type: fc.constantFrom(
    FrameType.Ping,
    FrameType.Pong,
    FrameType.Hello,
    FrameType.Control,
    FrameType.GoAway,
  ),
  stream: fc.constant(0),
  payload: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
});
const dataFrame = fc.record({
  type: fc.constant(FrameType.Data),
  stream: fc.integer({ min: 1, max: 0xffffffff }),
  payload: fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((a) => Buffer.from(a)),
});

describe('FrameDecoder', () => {
  it('decodes any sequence of valid frames however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(streamFrame, connectionFrame, dataFrame), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          // Adjacent DATA frames of one stream are indistinguishable once streamed, so compare merged.
          const expected: Seen[] = [];
          for (const f of frames) {
            const last = expected.at(-1);
            if (
              f.type === FrameType.Data &&
              last?.type === FrameType.Data &&
              last.stream === f.stream
            )
              last.payload = Buffer.concat([last.payload, f.payload]);
            else expected.push({ ...f, payload: Buffer.from(f.payload) });
          }
          const bytes = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.stream, f.payload)));
          assert.deepEqual(decodeSplit(bytes, cuts), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects hostile bytes with a CausewayError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (raw, cuts) => {
          try {
            decodeSplit(Buffer.from(raw), cuts);
          } catch (err) {
            assert.ok(err instanceof CausewayError, `unexpected ${String(err)}`);
            assert.match(err.code, /^CW_FRAME_/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses a control frame longer than the limit before buffering it', () => {
    const header = encodeFrame(FrameType.Control, 0).subarray(0, 9);
    header.writeUInt32BE(MAX_CONTROL_PAYLOAD + 1, 5);
    assert.throws(
      () => decodeSplit(header, []),
      (err: unknown) => err instanceof CausewayError && err.code === 'CW_FRAME_TOO_LARGE',
    );
  });

  it('refuses unknown frame types and stream-level frames on stream 0', () => {
    assert.throws(
      () => decodeSplit(Buffer.from([200, 0, 0, 0, 1, 0, 0, 0, 0]), []),
      (err: unknown) => err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED',
    );
    assert.throws(
      () => decodeSplit(encodeFrame(FrameType.Open, 0), []),
      (err: unknown) => err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED',
    );
    assert.throws(
      () => decodeSplit(encodeFrame(FrameType.Ping, 3), []),
      (err: unknown) => err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED',
    );
  });
});
