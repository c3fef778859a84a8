import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_WINDOW, MAX_WINDOW, MuxStream, type StreamCarrier } from './mux-stream.js';
import { ResetCode } from './reset-code.js';

/** Records what a stream asks its connection to send. */
function recordingCarrier(): StreamCarrier & { sent: string[]; credit: number } {
  const c = {
    sent: [] as string[],
    credit: 0,
    sendData: (_s: number, chunk: Buffer) => void c.sent.push(`data:${chunk.length}`),
    sendFin: () => void c.sent.push('fin'),
    sendReset: (_s: number, code: ResetCode) => void c.sent.push(`reset:${code}`),
    sendWindow: (_s: number, credit: number) => {
      c.credit += credit;
      c.sent.push(`window:${credit}`);
    },
    forget: () => void c.sent.push('forget'),
  };
  return c;
}

describe('MuxStream', () => {
  it('stops accepting writes when the send window is spent and resumes on credit', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    let writable = 0;
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: () => undefined,
      writable: () => void (writable += 1),
    });
    const chunk = Buffer.alloc(64 * 1024);
    let writes = 0;
    while (stream.write(chunk)) writes += 1;
    assert.equal(writes + 1, INITIAL_WINDOW / chunk.length);
    stream.receiveWindow(chunk.length);
    assert.equal(writable, 1);
    assert.equal(stream.write(chunk), false);
  });

  it('holds events that arrive before attach and replays them in order', () => {
    const stream = new MuxStream(2, recordingCarrier());
    stream.receiveData(Buffer.from('ab'));
    stream.receiveData(Buffer.from('cd'));
    stream.receiveFin();
    const seen: string[] = [];
    stream.attach({
      data: (c) => void seen.push(c.toString()),
      end: () => void seen.push('end'),
      reset: () => void seen.push('reset'),
      writable: () => undefined,
    });
    assert.deepEqual(seen, ['ab', 'cd', 'end']);
  });

  it('returns credit in batches once the consumer has flushed data', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: () => undefined,
      writable: () => undefined,
    });
    for (let i = 0; i < 8; i++) stream.consumed(16 * 1024, true);
    assert.equal(carrier.credit, 128 * 1024);
    assert.deepEqual(carrier.sent, ['window:131072']);
  });

  it('grows the window while the consumer keeps up, up to MAX_WINDOW, and not under back-pressure', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: () => undefined,
      writable: () => undefined,
    });
    let window = INITIAL_WINDOW;
    for (let round = 0; round < 8; round++) {
      stream.receiveData(Buffer.alloc(window / 4));
      stream.consumed(window / 4);
      window = Math.min(window * 2, MAX_WINDOW);
    }
    // Allowance now equals the largest window: a peer may send MAX_WINDOW without a reset...
    stream.receiveData(Buffer.alloc(MAX_WINDOW - 1));
    const before = carrier.sent.length;
    stream.consumed(MAX_WINDOW / 4, true);
    // ...and credit under back-pressure is exactly what was consumed.
    assert.equal(carrier.sent.at(-1), `window:${MAX_WINDOW / 4}`);
    assert.equal(carrier.sent.length, before + 1);
  });

  it('resets a peer that sends beyond its window', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    const resets: number[] = [];
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: (code) => void resets.push(code),
      writable: () => undefined,
    });
    stream.receiveData(Buffer.alloc(INITIAL_WINDOW));
    stream.receiveData(Buffer.alloc(1));
    assert.deepEqual(resets, [ResetCode.FlowControl]);
    assert.ok(carrier.sent.includes(`reset:${ResetCode.FlowControl}`));
  });

  it('closes only when both directions have ended (half-close)', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: () => undefined,
      writable: () => undefined,
    });
    stream.end();
    assert.equal(stream.isClosed, false);
    stream.receiveData(Buffer.from('still flowing'));
    stream.receiveFin();
    assert.equal(stream.isClosed, true);
    assert.deepEqual(carrier.sent, ['fin', 'forget']);
  });

  it('never sends past the window: a chunk larger than the credit left is split and the rest waits for WINDOW', () => {
    const carrier = recordingCarrier();
    const stream = new MuxStream(1, carrier);
    stream.attach({
      data: () => undefined,
      end: () => undefined,
      reset: () => undefined,
      writable: () => undefined,
    });
    assert.equal(stream.write(Buffer.alloc(INITIAL_WINDOW - 1000)), true);
    assert.equal(stream.write(Buffer.alloc(5000)), false);
    stream.end();
    assert.deepEqual(carrier.sent, [`data:${INITIAL_WINDOW - 1000}`, 'data:1000']);
    stream.receiveWindow(4000);
    assert.deepEqual(carrier.sent.slice(2), ['data:4000', 'fin']);
  });
});
