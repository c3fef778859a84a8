import { request } from 'node:http';
import { connect } from 'node:net';

export type HealthCheck =
  { type: 'tcp' } | { type: 'http'; path: string; expectStatus: number } | { type: 'none' };

/** One probe of a backend: resolves true when it answered as expected within `timeoutMs`. */
export async function probeBackend(
  host: string,
  port: number,
  check: HealthCheck,
  timeoutMs: number,
): Promise<boolean> {
  return (await probeFailure(host, port, check, timeoutMs)) === undefined;
}

/** One probe of a backend: resolves with why it failed (as `status` shows it), undefined when it answered. */
export function probeFailure(
  host: string,
  port: number,
  check: HealthCheck,
  timeoutMs: number,
): Promise<string | undefined> {
  switch (check.type) {
    case 'none':
      return Promise.resolve(undefined);
    case 'tcp':
      return probeTcp(host, port, timeoutMs);
    case 'http':
      return probeHttp(host, port, check.path, check.expectStatus, timeoutMs);
  }
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (failure: string | undefined): void => {
      socket.destroy();
      resolve(failure);
    };
    socket.setTimeout(timeoutMs, () =>
      done(`tcp check: no connection to ${host}:${port} within ${timeoutMs} ms`),
    );
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(`tcp check: ${err.message}`));
  });
}

function probeHttp(
  host: string,
  port: number,
  path: string,
  expectStatus: number,
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        timeout: timeoutMs,
        agent: false,
        headers: { 'user-agent': 'causeway-health-check' },
      },
      (res) => {
        res.resume();
        resolve(
          res.statusCode === expectStatus
            ? undefined
            : `http check: GET ${path} answered ${res.statusCode ?? '?'}, expected ${expectStatus}`,
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve(`http check: GET ${path}: ${err.message}`));
    req.end();
  });
}
