import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualRuntime } from '../../runtime/index.js';
import { ResetCode } from '../../transport/index.js';
import type { DatagramPath, PathEvents } from './datagram-path.js';
import { IdleWatch } from './idle-watch.js';
import { UdpSession, type OpenPath } from './udp-session.js';
import { sessionIdleTimeout } from './udp-timing.js';

const timing = {
  idleTimeoutMs: 30_000,
  streamTimeoutMs: 120_000,
  maxSessions: 10,
  linkQueueBytes: 1 << 20,
};

/** Paths to named sites that record what they were sent; `end` fails one from the far side. */
function sites(names: string[]) {
  const open = new Map<string, { sent: Buffer[]; events: PathEvents; closed: boolean }>();
  const opened: string[] = [];
  const opener: OpenPath = (exclude, events) => {
    const site = names.find((n) => !exclude.has(n));
    if (site === undefined) return undefined;
    const state = { sent: [] as Buffer[], events, closed: false };
    open.set(site, state);
    opened.push(site);
    const path: DatagramPath = {
      send: (d) => {
        state.sent.push(d);
        return undefined;
      },
      close: () => {
        state.closed = true;
      },
    };
    return { site, path };
  };
  return { open, opened, opener };
}

describe('UdpSession', () => {
  it('sticks to its first site while it serves, then fails over and stays on the next', () => {
    const { open, opened, opener } = sites(['a', 'b']);
    const failed: string[] = [];
    const session = new UdpSession(opener, {
      reply: () => undefined,
      failed: (site) => failed.push(site),
      placed: () => undefined,
    });
    for (let i = 0; i < 5; i++) assert.equal(session.fromClient(Buffer.from([i])), undefined);
    assert.deepEqual(opened, ['a']);
    assert.equal(open.get('a')?.sent.length, 5);
    open.get('a')?.events.ended(ResetCode.LinkLost);
    assert.deepEqual(failed, ['a']);
    session.fromClient(Buffer.from('x'));
    session.fromClient(Buffer.from('y'));
    assert.deepEqual(opened, ['a', 'b'], 'one new path, at the site that did not fail');
    assert.equal(session.site, 'b');
    assert.equal(open.get('b')?.sent.length, 2);
  });

  it('an idle or cancelled end is no failure: the next datagram may open anywhere again', () => {
    const { open, opener } = sites(['a', 'b']);
    const failed: string[] = [];
    const session = new UdpSession(opener, {
      reply: () => undefined,
      failed: (site) => failed.push(site),
      placed: () => undefined,
    });
    session.fromClient(Buffer.from('x'));
    open.get('a')?.events.ended(ResetCode.IdleTimeout);
    session.fromClient(Buffer.from('y'));
    assert.deepEqual(failed, []);
    assert.equal(session.site, 'a');
  });

  it('drops with no-endpoint when no site can take it, and counts replies', () => {
    const none = new UdpSession(() => undefined, {
      reply: () => undefined,
      failed: () => undefined,
      placed: () => undefined,
    });
    assert.equal(none.fromClient(Buffer.from('x')), 'no-endpoint');
    const { open, opener } = sites(['a']);
    const replies: string[] = [];
    const session = new UdpSession(opener, {
      reply: (d) => replies.push(d.toString()),
      failed: () => undefined,
      placed: () => undefined,
    });
    session.fromClient(Buffer.from('q'));
    open.get('a')?.events.datagram(Buffer.from('r'));
    assert.deepEqual(replies, ['r']);
    assert.deepEqual(session.traffic, { toBackend: 1, toClient: 1 });
    session.close();
    assert.equal(open.get('a')?.closed, true);
  });
});

describe('UDP idle timeouts', () => {
  it('30 s one way, 120 s once replies came back (conntrack udp_timeout / udp_timeout_stream)', () => {
    assert.equal(sessionIdleTimeout({ toBackend: 3, toClient: 0 }, timing), 30_000);
    assert.equal(sessionIdleTimeout({ toBackend: 0, toClient: 3 }, timing), 30_000);
    assert.equal(sessionIdleTimeout({ toBackend: 1, toClient: 1 }, timing), 120_000);
  });

  it('IdleWatch fires only after a full timeout of silence, re-armed by activity', () => {
    const runtime = new ManualRuntime();
    const traffic = { toBackend: 1, toClient: 0 };
    let idle = 0;
    const watch = new IdleWatch(
      runtime,
      () => sessionIdleTimeout(traffic, timing),
      () => {
        idle += 1;
      },
    );
    runtime.advance(20_000);
    watch.touch();
    runtime.advance(20_000);
    assert.equal(idle, 0, 'activity 20 s in keeps it 30 s from then');
    traffic.toClient = 1; // a reply: the session is a stream now
    runtime.advance(20_000);
    assert.equal(idle, 0, 'a stream waits 120 s');
    runtime.advance(100_000);
    assert.equal(idle, 1);
    watch.stop();
  });
});
