import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sitePaths } from '../../src/config/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort } from '../support/tcp-probes.js';

// Three sites on loopback, driven through the real CLI and real router processes:
//   c dials a and b.  a exports dp.test (a scripted backend) and rr.test; b exports rr.test too;
//   c exports back.test (an echo). c imports dp.test and rr.test; a imports back.test.
const TRUST_DOMAIN = 'dataplane.causeway';

type Address = { host: string; port: number };

/** A backend in this process whose per-connection behaviour each test scripts. */
class Backend {
  handler: (socket: Socket) => void;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly port: number,
    handler: (socket: Socket) => void,
  ) {
    this.handler = handler;
  }

  static async start(handler: (socket: Socket) => void): Promise<Backend> {
    let backend: Backend | undefined;
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      backend?.sockets.add(socket);
      socket.once('close', () => backend?.sockets.delete(socket));
      socket.on('error', () => undefined); // each test asserts the errors it expects
      backend?.handler(socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    backend = new Backend(server, (server.address() as { port: number }).port, handler);
    return backend;
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

const echo = (socket: Socket): void => {
  socket.pipe(socket);
};

/** Answers with its site's name on a line of its own, then echoes. */
const whoami =
  (name: string) =>
  (socket: Socket): void => {
    socket.write(`${name}\n`);
    socket.pipe(socket);
  };

/** How a client connection ended, and everything it received. */
interface Ending {
  data: Buffer;
  ended: boolean;
  error: NodeJS.ErrnoException | undefined;
  closedAt: number;
}

function dial(address: Address): Socket {
  return connect({ host: address.host, port: address.port, allowHalfOpen: true });
}

/** Collects a socket's bytes until it closes; never rejects, the ending is the result. */
function collect(socket: Socket): Promise<Ending> {
  const chunks: Buffer[] = [];
  let ended = false;
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('end', () => (ended = true));
  socket.on('error', (err) => (error = err));
  return new Promise((resolve) =>
    socket.once('close', () =>
      resolve({ data: Buffer.concat(chunks), ended, error, closedAt: Date.now() }),
    ),
  );
}

/** Resolves with the first line the socket receives. */
function firstLine(socket: Socket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('no line within the timeout')), timeoutMs);
    const onData = (c: Buffer): void => {
      text += c.toString('utf8');
      const cut = text.indexOf('\n');
      if (cut < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(text.slice(0, cut));
    };
    socket.on('data', onData);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Waits until `bytes` more bytes arrived on the socket. */
function receive(socket: Socket, bytes: number, timeoutMs = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(
      () => reject(new Error(`got ${got} of ${bytes} bytes within the timeout`)),
      timeoutMs,
    );
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got < bytes) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(Buffer.concat(chunks));
    };
    socket.on('data', onData);
  });
}

async function echoRoundTrip(address: Address, payload: Buffer): Promise<Buffer> {
  const socket = dial(address);
  const ending = collect(socket);
  socket.end(payload);
  const result = await ending;
  if (result.error !== undefined) throw result.error;
  return result.data;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  assert.ok(kb !== undefined, `no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (err: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const MB = 1024 * 1024;

describe('data plane between real routers', { timeout: 90_000 }, () => {
  let fx: ClustersetFixture;
  let scripted: Backend; // dp.test on a
  let rrA: Backend;
  let rrB: Backend;
  let echoC: Backend;
  let dp: Address; // c's import of dp.test
  let rr: Address; // c's import of rr.test
  let back: Address; // a's import of back.test

  const pid = (site: string): number => {
    const child = fx.routers.get(site)?.child;
    assert.ok(child?.pid !== undefined, `router ${site} is not running`);
    return child.pid;
  };
  const linkState = async (site: string, peer: string): Promise<string> =>
    (await fx.status(site)).links.find((l) => l.peer === peer)?.state ?? 'absent';

  before(async () => {
    fx = await ClustersetFixture.create();
    [scripted, rrA, rrB, echoC] = await Promise.all([
      Backend.start(echo),
      Backend.start(whoami('a')),
      Backend.start(whoami('b')),
      Backend.start(echo),
    ]);
    // a gets a fixed link port so that c can re-dial it after a restarts.
    // commander keeps the last --listen, so this overrides the fixture's port 0.
    await fx.initSite('a', [
      '--trust-domain',
      TRUST_DOMAIN,
      '--listen',
      `127.0.0.1:${await freePort()}`,
    ]);
    const shared = ['--ca-dir', fx.dir('a'), '--trust-domain', TRUST_DOMAIN];
    await Promise.all([fx.initSite('b', shared), fx.initSite('c', shared)]);
    await Promise.all(['a', 'b', 'c'].map((s) => fx.startRouter(s)));
    const [dpPort, rrPort] = [await freePort(), await freePort()];
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    // The scripted backends act on each connection they get; active health probes would be
    // connections too, so checks are off for these exports (link liveness still applies).
    await Promise.all([
      fx
        .cli([
          'expose',
          'dp',
          '--namespace',
          'test',
          '--port',
          '7000',
          '--to',
          `127.0.0.1:${scripted.port}`,
          '--check',
          'none',
          '--dir',
          fx.dir('a'),
        ])
        .then(() =>
          fx.cli([
            'expose',
            'rr',
            '--namespace',
            'test',
            '--port',
            '7001',
            '--to',
            `127.0.0.1:${rrA.port}`,
            '--check',
            'none',
            '--dir',
            fx.dir('a'),
          ]),
        ),
      fx.cli([
        'expose',
        'rr',
        '--namespace',
        'test',
        '--port',
        '7001',
        '--to',
        `127.0.0.1:${rrB.port}`,
        '--check',
        'none',
        '--dir',
        fx.dir('b'),
      ]),
      fx
        .cli([
          'expose',
          'back',
          '--namespace',
          'test',
          '--port',
          '7002',
          '--to',
          `127.0.0.1:${echoC.port}`,
          '--check',
          'none',
          '--dir',
          fx.dir('c'),
        ])
        .then(() =>
          // Fixed ports: the two imports on c must not share a --listen value.
          fx
            .cli([
              'import',
              'dp',
              '--namespace',
              'test',
              '--listen',
              `127.0.0.1:${dpPort}`,
              '--dir',
              fx.dir('c'),
            ])
            .then(() =>
              fx.cli([
                'import',
                'rr',
                '--namespace',
                'test',
                '--listen',
                `127.0.0.1:${rrPort}`,
                '--dir',
                fx.dir('c'),
              ]),
            ),
        ),
      fx.cli([
        'import',
        'back',
        '--namespace',
        'test',
        '--listen',
        '127.0.0.1:0',
        '--dir',
        fx.dir('a'),
      ]),
    ]);
    dp = await fx.importAddress('c', 'dp.test');
    back = await fx.importAddress('a', 'back.test');
    await fx.waitFor('c', (s) =>
      s.imports.some((i) => i.name === 'rr' && i.exporters.length === 2),
    );
    rr = await fx.importAddress('c', 'rr.test');
  });

  after(async () => {
    const a = fx?.routers.get('a')?.child;
    if (a?.pid !== undefined && a.exitCode === null) process.kill(a.pid, 'SIGCONT');
    await fx?.close();
    for (const b of [scripted, rrA, rrB, echoC]) b?.close();
  });

  it('client FIN first: the backend keeps sending after it, and the client gets every byte', async () => {
    const backendSide = deferred<{ received: Buffer; sent: Buffer }>();
    scripted.handler = (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      // The sender loop's failures reject backendSide, which the test awaits.
      socket.once('end', () => {
        void (async () => {
          const sent: Buffer[] = [];
          for (let i = 0; i < 20 && !socket.destroyed; i++) {
            const chunk = randomBytes(64 * 1024);
            sent.push(chunk);
            socket.write(chunk);
            await sleep(25);
          }
          socket.end();
          backendSide.resolve({ received: Buffer.concat(chunks), sent: Buffer.concat(sent) });
        })().catch((err: unknown) => backendSide.reject(err));
      });
    };
    const payload = randomBytes(MB);
    const client = dial(dp);
    const ending = collect(client);
    client.end(payload);
    const [result, backend] = await Promise.all([ending, backendSide.promise]);
    assert.equal(result.error, undefined);
    assert.ok(result.ended, 'client saw the backend FIN');
    assert.ok(
      backend.received.equals(payload),
      `backend got ${backend.received.length} of ${payload.length} bytes`,
    );
    assert.equal(result.data.length, 20 * 64 * 1024);
    assert.ok(result.data.equals(backend.sent), 'bytes sent after the client FIN arrive intact');
  });

  it('backend FIN first: the client keeps sending after it, and the backend gets every byte', async () => {
    const backendSide = deferred<{ received: Buffer; ended: boolean }>();
    const greeting = randomBytes(256 * 1024);
    scripted.handler = (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.once('end', () =>
        backendSide.resolve({ received: Buffer.concat(chunks), ended: true }),
      );
      socket.end(greeting);
    };
    const client = dial(dp);
    const ending = collect(client);
    const sent: Buffer[] = [];
    await new Promise<void>((r) => client.once('end', () => r()));
    for (let i = 0; i < 20; i++) {
      const chunk = randomBytes(64 * 1024);
      sent.push(chunk);
      client.write(chunk);
      await sleep(25);
    }
    client.end();
    const [result, backend] = await Promise.all([ending, backendSide.promise]);
    assert.equal(result.error, undefined);
    assert.ok(result.data.equals(greeting));
    assert.ok(
      backend.received.equals(Buffer.concat(sent)),
      `backend got ${backend.received.length} of ${20 * 64 * 1024} bytes sent after its FIN`,
    );
  });

  it('back-pressure: a client that reads nothing holds the backend back; router memory stays bounded', async () => {
    const TOTAL = 200 * MB;
    const chunk = randomBytes(256 * 1024);
    const sender = { written: 0, heldBack: false, ended: false };
    scripted.handler = (socket) => {
      const pump = (): void => {
        while (sender.written < TOTAL) {
          sender.written += chunk.length;
          if (!socket.write(chunk)) {
            sender.heldBack = true;
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
        sender.ended = true;
      };
      pump();
    };
    const rssBefore = { a: await rssBytes(pid('a')), c: await rssBytes(pid('c')) };
    const peak = { ...rssBefore };
    const client = dial(dp);
    client.pause(); // reads nothing until resumed (a 'data' listener does not undo an explicit pause)
    const got = createHash('sha256');
    let bytes = 0;
    client.on('data', (c: Buffer) => {
      bytes += c.length;
      got.update(c);
    });
    // A reset that lands while the client's receive queue is full can read as EOF, so the end is
    // 'end' or 'error', whichever comes first; the byte count tells them apart.
    const ending = new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      client.once('end', () => resolve(undefined));
      client.once('error', (err) => resolve(err));
    });
    const started = Date.now();
    let writtenAt2s = 0;
    while (Date.now() - started < 3_000) {
      await sleep(100);
      peak.a = Math.max(peak.a, await rssBytes(pid('a')));
      peak.c = Math.max(peak.c, await rssBytes(pid('c')));
      if (writtenAt2s === 0 && Date.now() - started >= 2_000) writtenAt2s = sender.written;
    }
    const growthA = (peak.a - rssBefore.a) / MB;
    const growthC = (peak.c - rssBefore.c) / MB;
    const stalledAt = sender.written;
    console.log(
      `# back-pressure: backend stalled after ${(stalledAt / MB).toFixed(1)} MB; RSS growth a ${growthA.toFixed(1)} MB, c ${growthC.toFixed(1)} MB`,
    );
    assert.ok(sender.heldBack, 'the backend write() returned false');
    assert.ok(
      stalledAt < TOTAL / 2,
      `the backend wrote ${stalledAt} bytes to a client that reads nothing`,
    );
    assert.equal(sender.written, writtenAt2s, 'the backend made no progress between 2 s and 3 s');
    assert.ok(growthA < 64, `router a grew by ${growthA.toFixed(1)} MB`);
    assert.ok(growthC < 64, `router c grew by ${growthC.toFixed(1)} MB`);

    // Now read it all: every byte arrives, in order.
    const expected = createHash('sha256');
    for (let n = 0; n < TOTAL / chunk.length; n++) expected.update(chunk);
    const drainStart = Date.now();
    client.resume();
    const error = await Promise.race([
      ending,
      sleep(20_000).then(() => new Error(`still draining after 20 s: ${bytes} bytes`)),
    ]);
    client.destroy();
    const seconds = (Date.now() - drainStart) / 1000;
    console.log(
      `# back-pressure: after resuming, read ${(bytes / MB).toFixed(1)} MB in ${seconds.toFixed(2)} s (${(bytes / MB / seconds).toFixed(0)} MB/s through two routers)`,
    );
    assert.equal(error, undefined);
    assert.equal(bytes, TOTAL, 'every byte the backend wrote reached the client');
    assert.equal(got.digest('hex'), expected.digest('hex'));
    assert.ok(sender.ended);
  });

  it('a backend reset reaches the client as ECONNRESET', async () => {
    scripted.handler = (socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    };
    const client = dial(dp);
    const ending = collect(client);
    client.write('reset me');
    const result = await ending;
    assert.equal(result.ended, false, 'no FIN before the reset');
    assert.equal(result.error?.code, 'ECONNRESET');
  });

  it('a client reset reaches the backend as ECONNRESET, without a FIN', async () => {
    const backendSide = deferred<{ ended: boolean; error: string | undefined; at: number }>();
    scripted.handler = (socket) => {
      let ended = false;
      let error: string | undefined;
      socket.on('end', () => (ended = true));
      socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code));
      socket.once('data', () => socket.write('ready\n'));
      socket.once('close', () => backendSide.resolve({ ended, error, at: Date.now() }));
    };
    const client = dial(dp);
    client.on('error', () => undefined);
    client.write('hello');
    assert.equal(await firstLine(client), 'ready');
    const resetAt = Date.now();
    client.resetAndDestroy();
    const backend = await backendSide.promise;
    assert.equal(backend.ended, false, 'the backend saw no FIN');
    assert.equal(backend.error, 'ECONNRESET');
    assert.ok(
      backend.at - resetAt < 1_000,
      `reset took ${backend.at - resetAt} ms to reach the backend`,
    );
  });

  it('resets an idle flow after dataPlane.idleTimeoutMs', async () => {
    await editSiteConfig(sitePaths(fx.dir('c')), (c) => {
      c.dataPlane.idleTimeoutMs = 500;
    });
    try {
      const backendClosed = deferred<{ ended: boolean }>();
      scripted.handler = (socket) => {
        let ended = false;
        socket.on('end', () => (ended = true));
        socket.once('close', () => backendClosed.resolve({ ended }));
        socket.pipe(socket);
      };
      const client = dial(dp);
      const ending = collect(client);
      client.write('one\n');
      assert.equal(await firstLine(client), 'one');
      const idleFrom = Date.now();
      const result = await ending;
      const idleMs = result.closedAt - idleFrom;
      console.log(`# idle timeout 500 ms: flow reset after ${idleMs} ms idle`);
      assert.equal(result.error?.code, 'ECONNRESET');
      assert.ok(idleMs >= 450 && idleMs <= 2_000, `reset after ${idleMs} ms`);
      assert.equal(
        (await backendClosed.promise).ended,
        false,
        'the backend side was reset too, not closed',
      );
    } finally {
      await editSiteConfig(sitePaths(fx.dir('c')), (c) => {
        c.dataPlane.idleTimeoutMs = 3_600_000;
      });
    }
  });

  it('carries 200 concurrent flows each way: dialing → accepting site and accepting → dialing site', async () => {
    scripted.handler = echo;
    const N = 200;
    const run = (address: Address): Promise<boolean[]> =>
      Promise.all(
        Array.from({ length: N }, async () => {
          const payload = randomBytes(8 * 1024);
          return (await echoRoundTrip(address, payload)).equals(payload);
        }),
      );
    const started = Date.now();
    const [forward, reverse] = await Promise.all([run(dp), run(back)]);
    console.log(`# ${2 * N} concurrent echo flows in ${Date.now() - started} ms`);
    assert.equal(forward.filter(Boolean).length, N, 'c → a flows (c dialed the link)');
    assert.equal(reverse.filter(Boolean).length, N, 'a → c flows (a accepted the link)');
  });

  it('losing a link resets only its flows; the other exporter keeps serving; the link comes back', async () => {
    const flows = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const socket = dial(rr);
        const ending = collect(socket);
        const site = await firstLine(socket);
        return { socket, ending, site };
      }),
    );
    const viaA = flows.filter((f) => f.site === 'a');
    const viaB = flows.filter((f) => f.site === 'b');
    assert.ok(
      viaA.length > 0 && viaB.length > 0,
      `round-robin over both exporters: ${flows.map((f) => f.site).join(',')}`,
    );

    const killedAt = Date.now();
    fx.routers.get('a')?.child.kill('SIGKILL');
    const endings = await Promise.race([
      Promise.all(viaA.map((f) => f.ending)),
      sleep(1_500).then(() => undefined),
    ]);
    assert.ok(endings !== undefined, 'flows via a were not reset within 1.5 s');
    const resetMs = Math.max(...endings.map((e) => e.closedAt - killedAt));
    console.log(`# router a killed: its ${viaA.length} flows reset within ${resetMs} ms`);
    for (const e of endings) assert.equal(e.error?.code, 'ECONNRESET');

    for (const f of viaB) {
      const more = randomBytes(32 * 1024);
      f.socket.write(more);
      assert.ok((await receive(f.socket, more.length)).equals(more), 'a flow via b still works');
    }
    const fresh = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const socket = dial(rr);
        socket.on('error', () => undefined);
        const site = await firstLine(socket);
        socket.destroy();
        return site;
      }),
    );
    assert.deepEqual(fresh, Array(6).fill('b'), 'new flows go to b only');

    fx.routers.delete('a');
    const restartedAt = Date.now();
    await fx.startRouter('a');
    await fx.waitFor(
      'c',
      (s) =>
        s.links.some((l) => l.peer === 'a' && l.state === 'up') &&
        s.imports.some((i) => i.name === 'rr' && i.exporters.includes('a')),
      15_000,
    );
    console.log(
      `# router a restarted: link back and service re-advertised ${Date.now() - restartedAt} ms after restart began`,
    );
    const again = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const socket = dial(rr);
        socket.on('error', () => undefined);
        const site = await firstLine(socket);
        socket.destroy();
        return site;
      }),
    );
    assert.ok(again.includes('a'), `new flows reach a again: ${again.join(',')}`);
    for (const f of viaB) f.socket.end();
    await Promise.all(viaB.map((f) => f.ending));
  });

  it('detects a silent peer (SIGSTOP) within 1.5 s, and relinks after SIGCONT', async () => {
    await fx.waitFor('c', (s) => s.links.some((l) => l.peer === 'a' && l.state === 'up'));
    const a = pid('a');
    process.kill(a, 'SIGSTOP');
    const stoppedAt = Date.now();
    let detectedMs: number | undefined;
    try {
      while (Date.now() - stoppedAt < 3_000) {
        if ((await linkState('c', 'a')) !== 'up') {
          detectedMs = Date.now() - stoppedAt;
          break;
        }
        await sleep(20);
      }
    } finally {
      process.kill(a, 'SIGCONT');
    }
    console.log(
      `# SIGSTOP of router a: c saw the link down after ${detectedMs ?? 'more than 3000'} ms`,
    );
    assert.ok(
      detectedMs !== undefined && detectedMs <= 1_500,
      `loss detected after ${detectedMs ?? '>3000'} ms`,
    );
    const resumedAt = Date.now();
    await fx.waitFor('c', (s) => s.links.some((l) => l.peer === 'a' && l.state === 'up'), 10_000);
    console.log(`# SIGCONT: link up again after ${Date.now() - resumedAt} ms`);
  });
});
