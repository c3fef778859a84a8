import assert from 'node:assert/strict';
import { connect, type Server, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { metricValue } from '../support/router-observations.js';
import { startEchoServer, type Address } from '../support/tcp-probes.js';

/** Bogus handshakes: connections from 127.0.0.9 that send a TLS-looking record of garbage. */
async function flood(target: Address, perSecond: number, seconds: number): Promise<number> {
  let opened = 0;
  const total = perSecond * seconds;
  const started = Date.now();
  // Paced in batches of 10 ms: a bounded load loop, not a wait for a condition.
  while (opened < total && Date.now() - started < (seconds + 5) * 1000) {
    const due = Math.min(total, Math.ceil(((Date.now() - started) / 1000) * perSecond));
    for (; opened < due; opened += 1) {
      const s = connect({ ...target, localAddress: '127.0.0.9' });
      s.on('error', () => undefined);
      s.on('connect', () => s.end(Buffer.from('160301002a01000026030300', 'hex')));
      s.setTimeout(2_000, () => s.destroy());
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return opened;
}

/** Sends a line every 20 ms over `socket` and counts the echoes, until `stop` resolves. */
async function steadyEcho(
  socket: Socket,
  stop: Promise<unknown>,
): Promise<{ sent: number; echoed: number }> {
  let sent = 0;
  let echoed = 0;
  socket.on('data', (c: Buffer) => (echoed += c.toString().split('\n').length - 1));
  let done = false;
  void stop.then(() => (done = true));
  while (!done) {
    socket.write(`ping ${sent}\n`);
    sent += 1;
    await new Promise((r) => setTimeout(r, 20));
  }
  const deadline = Date.now() + 5_000;
  while (echoed < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { sent, echoed };
}

describe('the link port under a handshake flood from one source', () => {
  let fx: ClustersetFixture;
  let echo: Server;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    await fx.startRouter('a');
    await fx.startRouter('b');
    await fx.link('b', 'a');
    const backend = await startEchoServer();
    echo = backend.server;
    await fx.cli([
      ...['expose', 'echo', '--namespace', 'lab', '--port', '7000'],
      ...['--to', `127.0.0.1:${backend.port}`, '--dir', fx.dir('a')],
    ]);
    await fx.cli([
      ...['import', 'echo', '--namespace', 'lab', '--listen', '127.0.0.1:0', '--dir', fx.dir('b')],
    ]);
  });

  after(async () => {
    await fx.close();
    echo.close();
  });

  it('limits the flooding source, keeps the established flow flowing and lets a new site link', async () => {
    const load = loadavg()[0]?.toFixed(2);
    const a = fx.routers.get('a')!;
    const port = a.runtime.linkAddress.port;
    const address = await fx.importAddress('b', 'echo.lab');
    const flow = connect(address);
    await new Promise<void>((resolve, reject) =>
      flow.once('connect', resolve).once('error', reject),
    );
    const floodStarted = Date.now();
    const flooding = flood({ host: '127.0.0.1', port }, 500, 6);
    const steady = steadyEcho(flow, flooding);
    // A site linking for the first time during the flood, from another source address.
    await fx.startRouter('c');
    await fx.link('c', 'a');
    await fx.waitFor('a', (s) => s.links.some((l) => l.peer === 'c' && l.state === 'up'), 30_000);
    const opened = await flooding;
    const { sent, echoed } = await steady;
    flow.destroy();
    const metrics = await a.api.metrics();
    const limited = metricValue(metrics, 'causeway_link_rejections_total', {
      reason: 'handshake-rate',
    });
    // What got past the limit reached TLS and failed there (reason "handshake"): never more than
    // the burst plus the rate over the time the flood ran (40 + 20/s by default), however many of
    // the flood's connections the loaded machine managed to open.
    const reachedTls = metricValue(metrics, 'causeway_link_rejections_total', {
      reason: 'handshake',
    });
    const seconds = (Date.now() - floodStarted) / 1000;
    console.log(
      `# flood: ${opened} bogus connections from 127.0.0.9 in ~6 s; ${limited} cut before TLS; ` +
        `${reachedTls} reached TLS; steady flow ${echoed}/${sent} echoed; load average ${load} at start, ${loadavg()[0]?.toFixed(2)} at end`,
    );
    assert.ok(limited > 0, 'no connection was rate limited');
    assert.ok(
      reachedTls <= 40 + 20 * seconds,
      `${reachedTls} bogus handshakes reached TLS in ${seconds.toFixed(1)} s`,
    );
    assert.equal(echoed, sent, 'the established flow lost messages during the flood');
    assert.ok((await fx.status('a')).links.some((l) => l.peer === 'b' && l.state === 'up'));
  });
});
