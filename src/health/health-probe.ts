import { request } from 'node:http';
import { connect } from 'node:net';

export type HealthCheck =
  | { type: 'tcp' }
  | { type: 'http'; path: string; expectStatus: number }
  | { type: 'none' };

/** One probe of a backend: resolves true when it answered as expected within `timeoutMs`. */
export function probeBackend(host: string, port: number, check: HealthCheck, timeoutMs: number): Promise<boolean> {
  switch (check.type) {
    case 'none':
      return Promise.resolve(true);
    case 'tcp':
      return probeTcp(host, port, timeoutMs);
    case 'http':
      return probeHttp(host, port, check.path, check.expectStatus, timeoutMs);
  }
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function probeHttp(host: string, port: number, path: string, expectStatus: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, agent: false, headers: { 'user-agent': 'causeway-health-check' } }, (res) => {
      res.resume();
      resolve(res.statusCode === expectStatus);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
