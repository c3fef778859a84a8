import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import type { Logger } from '../observability/index.js';
import type {
  CostGrouping,
  CostReport,
  DrainResult,
  DrillReport,
  DrillView,
  PartitionReport,
  StatusReport,
  TrafficReport,
} from './api-types.js';
import { CausewayError, ErrorCode, errorCodeOf, wireForm } from '../errors/index.js';

/** What the API serves from: the router, seen only through what the routes need. */
export interface ApiBackend {
  status(): StatusReport;
  /** Transfer costs of this site's clients over the last `sinceMs`. */
  cost(by: CostGrouping, sinceMs: number): CostReport;
  readonly partitionReport: PartitionReport | undefined;
  reload(): Promise<void>;
  drain(timeoutMs: number): Promise<DrainResult>;
  traffic(rangeMs: number): TrafficReport;
  readonly servicesFeed: { current(): string; subscribe(send: (line: string) => void): () => void };
  readonly metrics: {
    readonly registry: { metrics(): Promise<string>; readonly contentType: string };
  };
  readonly logger: Logger;
  /** Failure drills: a signed message in, the drill out (refusals are typed errors). */
  readonly drills?: {
    submit(message: unknown): DrillView;
    list(): DrillView[];
    report(id?: string): Promise<DrillReport | undefined>;
  };
}

/** A drill message is a few hundred bytes; anything far larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The router's local management API on a unix socket in the site directory: only users who can
 * read the site's files (and so its keys) can drive it. Routes: GET /v1/status, POST /v1/reload,
 * GET /v1/services (`?watch=1` streams a JSON line per change), GET /v1/traffic (recent flows,
 * `?rangeSeconds=N`), GET /v1/cost (`?by=service|pair&sinceMs=N`), GET /metrics (Prometheus text).
 */
export class ApiServer {
  private readonly server: Server;
  private tcp: Server | undefined;
  /** Open watch streams, ended on close so the server can stop. */
  private readonly streams = new Set<ServerResponse>();
  /** Called after a drain has been answered; `site run` exits there. */
  onDrained: (() => void) | undefined;

  constructor(private readonly router: ApiBackend) {
    this.server = createServer((req, res) => void this.route(req, res));
  }

  async listen(socketPath: string): Promise<void> {
    await rm(socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => resolve());
    });
  }

  /** Optional TCP listener for Prometheus scrapes (metrics and status only; reload stays on the socket). */
  async listenMetrics(host: string, port: number): Promise<number> {
    this.tcp = createServer((req, res) => {
      if (req.method === 'POST') return send(res, 403, { error: 'read-only listener' });
      void this.route(req, res);
    });
    const tcp = this.tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => resolve());
    });
    const address = tcp.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  async close(): Promise<void> {
    this.tcp?.close();
    for (const res of this.streams) res.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private services(req: IncomingMessage, res: ServerResponse): void {
    streamServices(this.router, req, res);
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private async drills(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const drills = this.router.drills;
    if (drills === undefined) return send(res, 404, { error: 'this router runs no drills' });
    if (req.method === 'POST' && path === '/v1/drills')
      return send(res, 200, drills.submit(await readJson(req)));
    if (req.method === 'GET' && path === '/v1/drills') return send(res, 200, drills.list());
    if (req.method === 'GET' && path === '/v1/drills/report') {
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? undefined;
      const report = await drills.report(id);
      if (report === undefined)
        throw new CausewayError(
          ErrorCode.ConfigMissing,
          id === undefined
            ? 'no drill seen by this router since it started'
            : `no report of drill ${id} here`,
          { hint: 'list the drills this router saw with `causeway drill list`' },
        );
      return send(res, 200, report);
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/v1/status')
        return send(res, 200, this.router.status());
      if (req.method === 'GET' && path === '/v1/services') return this.services(req, res);
      if (req.method === 'GET' && path === '/v1/cost') {
        const query = costQuery(new URL(req.url ?? '/', 'http://x').searchParams);
        return send(res, 200, this.router.cost(query.by, query.sinceMs));
      }
      if (req.method === 'GET' && path === '/v1/partition') {
        // 503 on the minority side, so an application can use it directly as its safe-mode probe.
        const report = this.router.partitionReport;
        return send(
          res,
          report?.majority === false ? 503 : 200,
          report ?? { majority: true, members: [], reachable: [], unreachable: [] },
        );
      }
      if (req.method === 'GET' && path === '/v1/traffic')
        return send(res, 200, this.router.traffic(trafficRange(req.url ?? '/')));
      if (req.method === 'POST' && path === '/v1/reload') {
        await this.router.reload();
        return send(res, 200, { ok: true });
      }
      if (req.method === 'POST' && path === '/v1/drain') {
        const timeoutMs = Number(
          new URL(req.url ?? '/', 'http://x').searchParams.get('timeoutMs') ?? 30_000,
        );
        const result = await this.router.drain(Number.isFinite(timeoutMs) ? timeoutMs : 30_000);
        send(res, 200, result);
        // The router exits once the answer is out: drained is the last thing it does.
        res.on('finish', () => this.onDrained?.());
        return;
      }
      if (path?.startsWith('/v1/drills') === true) return await this.drills(req, res, path);
      if (req.method === 'GET' && path === '/metrics') {
        const body = await this.router.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': this.router.metrics.registry.contentType });
        res.end(body);
        return;
      }
      send(res, 404, { error: `no route ${req.method} ${path}` });
    } catch (err) {
      // The code's own status (a bad site.yaml on reload is 422, not 500); only the unexpected is logged as an error.
      const code = errorCodeOf(err);
      const status = wireForm(code).http;
      if (status >= 500) this.router.logger.error({ err, code }, 'api request failed');
      else this.router.logger.warn({ err, code }, 'api request refused');
      send(res, status, {
        error: err instanceof Error ? err.message : String(err),
        code,
        hint: err instanceof CausewayError ? err.hint : undefined,
      });
    }
  }
}

/**
 * The merged clusterset as newline-delimited JSON: one snapshot, or with `?watch=1` the current one
 * and then one per change until the client goes away (a controller's informer, not a poll loop).
 */
function streamServices(router: ApiBackend, req: IncomingMessage, res: ServerResponse): void {
  const watch = new URL(req.url ?? '/', 'http://x').searchParams.get('watch');
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  if (watch !== '1' && watch !== 'true') {
    res.end(`${router.servicesFeed.current()}\n`);
    return;
  }
  res.flushHeaders();
  const unsubscribe = router.servicesFeed.subscribe((line) => res.write(`${line}\n`));
  res.on('close', unsubscribe);
}

/** `?rangeSeconds=N` (default 300) as ms; anything but a whole number of seconds is refused. */
export function trafficRange(url: string): number {
  const raw = new URL(url, 'http://x').searchParams.get('rangeSeconds') ?? '300';
  const seconds = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `rangeSeconds: "${raw.slice(0, 40)}" is not a number of seconds`,
      {
        hint: 'ask for a whole number from 1, e.g. /v1/traffic?rangeSeconds=300',
      },
    );
  return seconds * 1_000;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The request body as JSON; bad JSON or an oversized body is bad input. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new CausewayError(ErrorCode.InputInvalid, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CausewayError(ErrorCode.InputInvalid, 'request body is not JSON');
  }
}

/** `by` and `sinceMs` of `/v1/cost`; anything else is the caller's mistake (400), named. */
function costQuery(params: URLSearchParams): { by: CostGrouping; sinceMs: number } {
  const by = params.get('by') ?? 'service';
  if (by !== 'service' && by !== 'pair')
    throw new CausewayError(ErrorCode.InputInvalid, `by must be service or pair, not ${by}`);
  const sinceMs = Number(params.get('sinceMs') ?? 3_600_000);
  if (!Number.isSafeInteger(sinceMs) || sinceMs <= 0)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'sinceMs must be a positive whole number of milliseconds',
    );
  return { by, sinceMs };
}
