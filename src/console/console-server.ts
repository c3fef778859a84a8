import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { trafficRange } from '../api/index.js';
import { CausewayError, ErrorCode, errorCodeOf, wireForm } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
import { readConsoleUpdate, type ConsoleSource } from './console-snapshot.js';
import { checkToken, sameToken } from './console-token.js';
import { DEFAULT_WEB_ROOT, loadStaticFiles, type StaticFile } from './static-files.js';

export interface ConsoleServerOptions {
  source: ConsoleSource;
  /** Every request must carry it (bearer header, or the cookie the `?token=` link sets). */
  token: string;
  logger: Logger;
  webRoot?: string;
  /** How often the event stream sends a fresh view (default 1 s). */
  refreshMs?: number;
  now?: () => number;
}

/**
 * Pages are same-origin only, never framed, and the token in the first URL is not sent on as a
 * referrer. uPlot sets element styles from script (CSSOM), which `style-src 'self'` allows.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * The web console: the bundled pages and the data they read (`/api/snapshot`, and
 * `/api/events`, a server-sent event stream of the same), all from the router's local API.
 * Nothing is answered without the token.
 */
export class ConsoleServer {
  private server: Server | undefined;
  private files = new Map<string, StaticFile>();
  private readonly streams = new Set<ServerResponse>();
  private cookieName = 'causeway_console';

  constructor(private readonly options: ConsoleServerOptions) {}

  /** Loads the front end and listens; resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    this.files = await loadStaticFiles(this.options.webRoot ?? DEFAULT_WEB_ROOT);
    const server = createServer((req, res) => void this.route(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    // Cookies ignore ports: two consoles on one host each need a cookie of their own.
    this.cookieName = `causeway_console_${bound}`;
    return bound;
  }

  async close(): Promise<void> {
    for (const res of this.streams) res.end();
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://console');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, {
          error: `${req.method} is not served; the console is read-only`,
        });
      const linkToken = url.searchParams.get('token');
      if (linkToken !== null && url.pathname === '/') return this.redeemLink(res, linkToken);
      const check = checkToken(req, this.cookieName, this.options.token);
      if (check !== 'ok') return this.refuse(res, url.pathname, check);
      if (url.pathname === '/api/snapshot') {
        const range = trafficRange(req.url ?? '/') / 1_000;
        return sendJson(res, 200, await readConsoleUpdate(this.options.source, range, this.now));
      }
      // Browsers ask for it on their own; there is none, and a 404 would read as a fault.
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      if (url.pathname === '/api/events')
        return this.stream(req, res, trafficRange(req.url ?? '/'));
      const file = this.files.get(url.pathname === '/' ? '/index.html' : url.pathname);
      if (file === undefined) return sendJson(res, 404, { error: `no page ${url.pathname}` });
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': file.type,
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    } catch (err) {
      const code = errorCodeOf(err);
      if (wireForm(code).http >= 500)
        this.options.logger.error({ err, code }, 'console request failed');
      sendJson(res, wireForm(code).http, {
        error: err instanceof Error ? err.message : String(err),
        code,
        hint: err instanceof CausewayError ? err.hint : undefined,
      });
    }
  }

  private get now(): () => number {
    return this.options.now ?? Date.now;
  }

  /** The printed link carries the token once: it becomes a cookie and leaves the address bar. */
  private redeemLink(res: ServerResponse, token: string): void {
    if (!sameToken(token, this.options.token)) return this.refuse(res, '/', 'wrong');
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      location: '/',
      'set-cookie': `${this.cookieName}=${this.options.token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    res.end();
  }

  private refuse(res: ServerResponse, path: string, check: 'missing' | 'wrong'): void {
    const error =
      check === 'missing'
        ? 'this console needs its token'
        : 'the token given is not this console’s';
    const hint =
      'open the URL `causeway console` printed (it ends in ?token=…), or send Authorization: Bearer <token>';
    const status = wireForm(ErrorCode.ConsoleTokenRefused).http;
    res.setHeader('www-authenticate', 'Bearer realm="causeway console"');
    if (path.startsWith('/api/'))
      return sendJson(res, status, { error, code: ErrorCode.ConsoleTokenRefused, hint });
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`401 Unauthorized: ${error}\nhint: ${hint}\n`);
  }

  /** Server-sent events: a view now, then one per refresh until the browser goes away. */
  private stream(req: IncomingMessage, res: ServerResponse, rangeMs: number): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    this.streams.add(res);
    let reading = false;
    const send = async (): Promise<void> => {
      // A router slower than the refresh gets one read at a time, not a pile of them.
      if (reading) return;
      reading = true;
      const update = await readConsoleUpdate(this.options.source, rangeMs / 1_000, this.now);
      reading = false;
      if (!res.writableEnded) res.write(`data: ${JSON.stringify(update)}\n\n`);
    };
    void send();
    const timer = setInterval(() => void send(), this.options.refreshMs ?? 1_000);
    req.on('close', () => {
      clearInterval(timer);
      this.streams.delete(res);
    });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
