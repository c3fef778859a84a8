import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { MuxSession } from './mux-session.js';
import { sessionEvents, socketPair } from './session-pair.fixture.js';
import type { MuxStream } from './mux-stream.js';

function collect(stream: MuxStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.attach({
      data: (c) => {
        text += c.toString();
        stream.consumed(c.length);
      },
      end: () => resolve(text),
      reset: (code) => reject(new Error(`reset ${code}`)),
      writable: () => undefined,
    });
  });
}

describe('MuxSession', () => {
  const sessions: MuxSession[] = [];
  after(() => sessions.forEach((s) => s.close()));

  it('lets both ends open flows at once, data pipelined right behind OPEN', async () => {
    const [a, b] = await socketPair();
    const received: Promise<string>[] = [];
    const onStream = (stream: MuxStream, open: Buffer): void => {
      received.push(collect(stream).then((t) => `${open.toString()}:${t}`));
    };
    const dialer = new MuxSession(
      a,
      { role: 'dialer', pingIntervalMs: 50, deadAfterMs: 2000 },
      sessionEvents({ stream: onStream }),
    );
    const acceptor = new MuxSession(
      b,
      { role: 'acceptor', pingIntervalMs: 50, deadAfterMs: 2000 },
      sessionEvents({ stream: onStream }),
    );
    sessions.push(dialer, acceptor);
    const s1 = dialer.openStream(Buffer.from('from-dialer'));
    const s2 = acceptor.openStream(Buffer.from('from-acceptor'));
    assert.equal(s1.id % 2, 1);
    assert.equal(s2.id % 2, 0);
    s1.write(Buffer.from('hello'));
    s1.end();
    s2.write(Buffer.from('world'));
    s2.end();
    while (received.length < 2) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual((await Promise.all(received)).sort(), [
      'from-acceptor:world',
      'from-dialer:hello',
    ]);
  });

  it('measures RTT with pings', async () => {
    const [a, b] = await socketPair();
    let samples = 0;
    const dialer = new MuxSession(
      a,
      { role: 'dialer', pingIntervalMs: 20, deadAfterMs: 2000 },
      sessionEvents({ rtt: () => void (samples += 1) }),
    );
    const acceptor = new MuxSession(
      b,
      { role: 'acceptor', pingIntervalMs: 20, deadAfterMs: 2000 },
      sessionEvents(),
    );
    sessions.push(dialer, acceptor);
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(samples >= 2, `only ${samples} RTT samples`);
    assert.ok((dialer.rttMs ?? Infinity) < 100);
  });

  it('declares a silent peer dead after deadAfterMs and resets its flows', async () => {
    const [a, b] = await socketPair();
    b.pause(); // the peer's process is stuck: bytes go unanswered
    let closedAt = 0;
    const started = Date.now();
    const dialer = new MuxSession(
      a,
      { role: 'dialer', pingIntervalMs: 50, deadAfterMs: 300 },
      sessionEvents({ closed: () => void (closedAt = Date.now()) }),
    );
    sessions.push(dialer);
    const stream = dialer.openStream(Buffer.from('x'));
    const reset = new Promise<number>((resolve) =>
      stream.attach({
        data: () => undefined,
        end: () => undefined,
        reset: resolve,
        writable: () => undefined,
      }),
    );
    assert.equal(typeof (await reset), 'number');
    const elapsed = closedAt - started;
    assert.ok(elapsed >= 300 && elapsed < 1000, `closed after ${elapsed} ms`);
    b.destroy();
  });

  it('closes the connection on a malformed frame', async () => {
    const [a, b] = await socketPair();
    let reason: Error | undefined;
    const acceptor = new MuxSession(
      b,
      { role: 'acceptor', pingIntervalMs: 50, deadAfterMs: 2000 },
      sessionEvents({ closed: (r) => void (reason = r) }),
    );
    sessions.push(acceptor);
    a.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await once(a, 'close');
    assert.match(String((reason as { code?: string } | undefined)?.code), /CW_FRAME_/);
  });
});
