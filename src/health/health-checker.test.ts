import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { HealthChecker, type HealthTarget } from './health-checker.js';
import { probeBackend } from './health-probe.js';

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

describe('health checks', () => {
  it('probes TCP and HTTP backends for real', async () => {
    const tcp = createServer((s) => s.end());
    const tcpPort = await listen(tcp);
    const http = createHttpServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 200 : 503);
      res.end();
    });
    const httpPort = await listen(http);
    assert.equal(await probeBackend('127.0.0.1', tcpPort, { type: 'tcp' }, 500), true);
    assert.equal(
      await probeBackend(
        '127.0.0.1',
        httpPort,
        { type: 'http', path: '/healthz', expectStatus: 200 },
        500,
      ),
      true,
    );
    assert.equal(
      await probeBackend(
        '127.0.0.1',
        httpPort,
        { type: 'http', path: '/other', expectStatus: 200 },
        500,
      ),
      false,
    );
    tcp.close();
    http.close();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await probeBackend('127.0.0.1', tcpPort, { type: 'tcp' }, 500), false);
  });

  it('marks a backend unhealthy after the threshold and healthy again when it returns', async () => {
    let server = createServer((s) => s.end());
    const port = await listen(server);
    const changes: string[] = [];
    const checker = new HealthChecker((id, healthy) =>
      changes.push(`${id}:${healthy ? 'up' : 'down'}`),
    );
    const target: HealthTarget = {
      id: 'web',
      host: '127.0.0.1',
      port,
      check: { type: 'tcp' },
      intervalMs: 20,
      timeoutMs: 200,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
    };
    checker.reconcile([target]);
    assert.equal(checker.isHealthy('web'), true);
    await new Promise<void>((r) => server.close(() => r()));
    const downBy = Date.now() + 2_000;
    while (checker.isHealthy('web') && Date.now() < downBy)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(checker.isHealthy('web'), false);
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    const upBy = Date.now() + 2_000;
    while (!checker.isHealthy('web') && Date.now() < upBy)
      await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(changes, ['web:down', 'web:up']);
    checker.stop();
    server.close();
  });
});
