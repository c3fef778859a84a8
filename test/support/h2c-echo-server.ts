import { createServer, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface H2cEchoServer {
  port: number;
  /** Requests seen, in order: path and headers. */
  seen: Array<{ path: string; headers: IncomingHttpHeaders }>;
  /** Resolves once a request for `path` has been seen. */
  waitFor(path: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP/2 (h2c, prior knowledge) backend that answers `{ site, path, headers }` as JSON with an
 * `x-site` header. `/fail` answers 503 when `failing` is set; `/slow` never answers (the client
 * or the router ends it).
 */
export async function startH2cEcho(
  site: string,
  options: { failing?: boolean } = {},
): Promise<H2cEchoServer> {
  const seen: H2cEchoServer['seen'] = [];
  const waiters: Array<{ path: string; resolve: () => void }> = [];
  const server: Http2Server = createServer();
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path'] ?? '/');
    seen.push({ path, headers });
    for (const w of waiters.splice(0))
      if (w.path === path) w.resolve();
      else waiters.push(w);
    stream.on('error', () => undefined);
    if (path.startsWith('/slow')) return;
    const status = path.startsWith('/fail') && options.failing === true ? 503 : 200;
    stream.respond({ ':status': status, 'content-type': 'application/json', 'x-site': site });
    stream.end(JSON.stringify({ site, path, headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    waitFor: (path) =>
      new Promise((resolve) => {
        if (seen.some((s) => s.path === path)) resolve();
        else waiters.push({ path, resolve });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
