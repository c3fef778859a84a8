import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer as createHttpServer, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { hasCode, ErrorCode } from '../errors/index.js';
import { bridgeFlow } from './flow-bridge.js';
import { MuxDuplex } from './mux-duplex.js';
import { MuxSession } from './mux-session.js';
import { sessionEvents, socketPair } from './session-pair.fixture.js';
import { ResetCode } from './reset-code.js';

async function body(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('MuxDuplex under http.Agent', () => {
  const backend = createHttpServer((req, res) => {
    if (req.url === '/hang') return; // never answers: the far side resets the flow instead
    // Echoes the body with the connection's remote port, so reuse of one upstream is visible.
    void body(req).then((data) =>
      res.end(
        JSON.stringify({
          port: req.socket.remotePort,
          bytes: data.length,
          sum: data.reduce((a, b) => (a + b) % 65_521, 0),
        }),
      ),
    );
  });
  let dialer: MuxSession;
  let acceptor: MuxSession;
  let backendPort = 0;
  /** Flows the acceptor side received, so a test can reset one from the far side. */
  const accepted: Array<{ reset(code: number): void }> = [];

  before(async () => {
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    backendPort = (backend.address() as { port: number }).port;
    const [a, b] = await socketPair();
    dialer = new MuxSession(
      a,
      { role: 'dialer', pingIntervalMs: 100, deadAfterMs: 5_000 },
      sessionEvents(),
    );
    acceptor = new MuxSession(
      b,
      { role: 'acceptor', pingIntervalMs: 100, deadAfterMs: 5_000 },
      sessionEvents({
        stream: (stream) => {
          accepted.push(stream);
          const socket = connect({ host: '127.0.0.1', port: backendPort, allowHalfOpen: true });
          socket.once('connect', () =>
            bridgeFlow(socket, stream, { idleTimeoutMs: 0, onDone: () => undefined }),
          );
        },
      }),
    );
  });

  after(() => {
    dialer.close();
    acceptor.close();
    backend.closeAllConnections(); // the /hang request is still open at the backend
    backend.close();
  });

  const agent = (): Agent => {
    const a = new Agent({ keepAlive: true, maxSockets: 4 });
    a.createConnection = () => new MuxDuplex(dialer.openStream(Buffer.from('open')));
    return a;
  };

  function post(
    a: Agent,
    path: string,
    data: Buffer,
  ): Promise<{ status: number; json: { port: number; bytes: number; sum: number } }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: a,
          host: 'ledger.pay',
          method: 'POST',
          path,
          headers: { 'content-length': data.length },
        },
        (res) => {
          void body(res).then(
            (b) =>
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(b.toString()) as { port: number; bytes: number; sum: number },
              }),
            reject,
          );
        },
      );
      req.once('error', reject);
      req.end(data);
    });
  }

  it('carries sequential keep-alive requests over one flow', async () => {
    const a = agent();
    const ports = new Set<number>();
    for (let i = 0; i < 5; i++)
      ports.add((await post(a, '/', Buffer.from(`request ${i}`))).json.port);
    assert.equal(ports.size, 1, 'one upstream flow, reused');
    a.destroy();
  });

  it('moves bodies larger than the flow window both ways intact', async () => {
    const a = agent();
    const data = Buffer.alloc(6 * 1024 * 1024, 0);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    const expected = data.reduce((acc, b) => (acc + b) % 65_521, 0);
    const { status, json } = await post(a, '/', data);
    assert.deepEqual([status, json.bytes, json.sum], [200, data.length, expected]);
    a.destroy();
  });

  it('turns a reset from the far side into a typed request error', async () => {
    const a = agent();
    const before = accepted.length;
    const failed = post(a, '/hang', Buffer.from('x'));
    while (accepted.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    accepted[accepted.length - 1]?.reset(ResetCode.BackendUnreachable);
    await assert.rejects(failed, (err) => hasCode(err, ErrorCode.FlowReset));
    a.destroy();
  });
});
