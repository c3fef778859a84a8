import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitForListen } from '../process/wait-for-listen.js';

/** One nginx master with its own prefix, config and pid file; stopped by its pid. */
export interface NginxInstance {
  child: ChildProcess;
  stop(): Promise<void>;
}

const COMMON = `worker_processes 1;
daemon off;
error_log stderr error;
events { worker_connections 4096; }
`;

async function startNginx(dir: string, http: string, ports: number[]): Promise<NginxInstance> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `${COMMON}pid ${join(dir, 'nginx.pid')};\nhttp {\n access_log off;\n${http}\n}\n`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const port of ports) await waitForListen(port, 10_000);
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The backend both paths reach: a fixed small answer over HTTP/1.1 (`h1Port`) and h2c (`h2Port`). */
export function startBackend(dir: string, h1Port: number, h2Port: number): Promise<NginxInstance> {
  const answer = `location / { return 200 "ok\\n"; }`;
  return startNginx(
    dir,
    ` keepalive_requests 1000000;
 server { listen 127.0.0.1:${h1Port}; ${answer} }
 server { listen 127.0.0.1:${h2Port} http2; ${answer} }`,
    [h1Port, h2Port],
  );
}

/**
 * The baseline of two reverse proxies in a row (as two Causeway routers are): the first takes
 * HTTP/1.1 on `h1Port` and h2c on `h2Port`; both proxy with keep-alive upstream connections.
 * nginx's proxy module speaks HTTP/1.1 upstream, so its HTTP/2 path is h2 only at the edge.
 */
export async function startProxyPair(
  dir: string,
  ports: { h1: number; h2: number; inner: number; backend: number },
): Promise<NginxInstance[]> {
  const proxy = `location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; }`;
  const upstream = (to: number): string => ` upstream up { server 127.0.0.1:${to}; keepalive 64; }`;
  const inner = await startNginx(
    join(dir, 'inner'),
    `${upstream(ports.backend)}
 keepalive_requests 1000000;
 server { listen 127.0.0.1:${ports.inner}; ${proxy} }`,
    [ports.inner],
  );
  const outer = await startNginx(
    join(dir, 'outer'),
    `${upstream(ports.inner)}
 keepalive_requests 1000000;
 server { listen 127.0.0.1:${ports.h1}; ${proxy} }
 server { listen 127.0.0.1:${ports.h2} http2; ${proxy} }`,
    [ports.h1, ports.h2],
  );
  return [outer, inner];
}
