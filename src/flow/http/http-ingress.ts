import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpRouteConfig, ImportConfig, SiteConfig } from '../../config/index.js';
import { ErrorCode, errorCodeOf } from '../../errors/index.js';
import { systemRuntime, type Runtime } from '../../runtime/index.js';
import type { LeaseState } from '../../lease/index.js';
import {
  traceIdOf,
  type FlowRecorder,
  type Logger,
  type RouterMetrics,
  type SitePlace,
} from '../../observability/index.js';
import type { LinkStateDb } from '../../routing/index.js';
import {
  serviceKey,
  writePolicyOf,
  type Endpoint,
  type ServiceDirectory,
} from '../../services/index.js';
import { ResetCode, type MuxStream } from '../../transport/index.js';
import type { EndpointChooser } from '../endpoint-chooser.js';
import {
  forwardRequest,
  hasBody,
  sendJsonError,
  type ErrorBody,
  type ForwardOutcome,
} from './http-forward.js';
import { FencingHeader, forwardHeaders, serializeRequestHead } from './http-headers.js';
import { openTunnel, refuseTunnel } from './http-tunnel.js';
import { HttpUpstreams } from './http-upstreams.js';
import { decideWriteRoute, type WriteRoute } from './write-route.js';
import {
  editRawHeaders,
  RouteRules,
  sitesOutsideBackend,
  type CompiledRule,
} from './routes/index.js';

/** The service port one client connection reaches. */
interface HttpTarget {
  config: ImportConfig;
  port: number;
}

type RequestKind = 'read' | 'write' | 'any';
type RequestOutcome = 'answered' | 'refused' | 'failed';

/** Where a request goes, or why it goes nowhere. */
type Destination =
  | { type: 'endpoint'; endpoint: Endpoint; fencing: Array<[string, string]> }
  | { type: 'refused'; route: Extract<WriteRoute, { type: 'refuse' }> }
  | { type: 'none' };

export interface HttpIngressDeps {
  directory: ServiceDirectory;
  lsdb: LinkStateDb;
  chooser: EndpointChooser;
  openFlow(config: ImportConfig, port: number, site: string): MuxStream | undefined;
  /** What this site knows of a lease (from its store's watch). */
  lease(name: string): LeaseState;
  dataPlane(): SiteConfig['dataPlane'];
  recorder: FlowRecorder;
  metrics: RouterMetrics;
  logger: Logger;
  /** The clock leases are judged by (lease expiry decides where writes go). */
  runtime?: Runtime;
  /** Routing rules of this site's configuration; absent: none. */
  routes?: () => readonly HttpRouteConfig[];
  /** Where a site is, for route subsets by zone or region. */
  placeOf?: (site: string) => SitePlace | undefined;
}

/** Endpoints a read may try before the client gets an error. */
const MAX_READ_ATTEMPTS = 3;
/** Methods that may be sent twice without harm (RFC 9110 §9.2.2), so a failed one is retried elsewhere. */
const IDEMPOTENT: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PUT',
  'DELETE',
]);

/**
 * HTTP/1.1 on import listeners of services exported with `protocol: http`: Node's own parser
 * (with header-size and time limits) reads requests, and each request — not each connection —
 * gets a destination. Reads go to the nearest healthy endpoint; writes of a single-writer service
 * go only to the lease holder, with its fencing token, or are refused with 503.
 */
export class HttpIngress {
  readonly #deps: HttpIngressDeps;
  readonly #server: Server;
  readonly #targets = new WeakMap<Duplex, HttpTarget>();
  /** Per connection, the request being forwarded: pipelined requests reach backends in order. */
  readonly #queues = new WeakMap<Duplex, Promise<void>>();
  readonly #upstreams: HttpUpstreams;
  /** A service port's endpoints as of a directory version: rebuilt when the clusterset changes, not per write. */
  readonly #endpointCache = new Map<string, { version: string; endpoints: Endpoint[] }>();
  /** Label children by label values: counting a request costs a map lookup, not label hashing. */
  readonly #series = new Map<string, { inc(): void }>();
  readonly #rules: RouteRules;
  /** How each response came about, for its `causeway:http:request` event. */
  readonly #ends = new WeakMap<ServerResponse, { site: string | null; outcome: RequestOutcome }>();

  constructor(deps: HttpIngressDeps) {
    this.#deps = deps;
    this.#rules = new RouteRules(deps.routes ?? (() => []));
    const limits = deps.dataPlane().http;
    this.#upstreams = new HttpUpstreams(() => deps.dataPlane().connectTimeoutMs);
    this.#server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
        noDelay: true,
      },
      (req, res) => this.#onRequest(req, res),
    );
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onTunnel(req, socket as Socket, head),
    );
    this.#server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onTunnel(req, socket as Socket, head),
    );
    // Connections come from the import listeners, so this server never listens itself; but Node
    // starts its header and request timers only on 'listening', and without them a client that
    // trickles its headers would hold a connection for ever.
    this.#server.emit('listening');
  }

  /** Takes over a client connection of an HTTP import. */
  accept(config: ImportConfig, port: number, client: Socket): void {
    this.#targets.set(client, { config, port });
    // One flow per client connection; its requests may each go to another site, so no destination.
    const ticket = this.#deps.recorder.started(config.name, config.namespace, {
      protocol: 'http',
      source: this.#deps.lsdb.self,
    });
    client.once('close', (hadError) => {
      const counts = { bytesIn: client.bytesRead, bytesOut: client.bytesWritten };
      this.#deps.recorder.finished(
        ticket,
        hadError
          ? { kind: 'reset', by: 'local', code: ResetCode.PeerReset, ...counts }
          : { kind: 'closed', ...counts },
      );
    });
    this.#server.emit('connection', client);
  }

  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
    this.#upstreams.close();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const target = this.#targets.get(req.socket);
    if (target === undefined)
      return sendJsonError(res, {
        error: ErrorCode.Internal,
        message: 'connection without an import',
      });
    const previous = this.#queues.get(req.socket) ?? Promise.resolve();
    const current = previous
      .then(() => this.#serve(target, req, res))
      .catch((err: unknown) => {
        this.#deps.logger.error(
          { service: serviceKey(target.config.name, target.config.namespace), err },
          'HTTP request failed in the router',
        );
        sendJsonError(res, {
          error: errorCodeOf(err),
          message: err instanceof Error ? err.message : String(err),
        });
      });
    this.#queues.set(req.socket, current);
    this.#tell(target, req, res, current);
  }

  /**
   * Tells the request as an event once its response is done. Bytes are its head as parsed (read
   * before the request was handed over) plus what the client connection carried while it was
   * served (requests of one connection are served in turn, so they do not mix).
   */
  #tell(
    target: HttpTarget,
    req: IncomingMessage,
    res: ServerResponse,
    served: Promise<void>,
  ): void {
    const { recorder } = this.#deps;
    const startedAt = recorder.time();
    const socket = req.socket;
    const [read, written] = [socket.bytesRead, socket.bytesWritten];
    // Both: the response is out (its bytes counted) and #serve has said how it came about.
    const closed = new Promise((resolve) => res.once('close', resolve));
    void Promise.all([closed, served]).then(() => {
      const end = this.#ends.get(res) ?? { site: null, outcome: 'failed' as const };
      recorder.requested({
        service: target.config.name,
        namespace: target.config.namespace,
        method: req.method ?? 'GET',
        status: res.statusCode,
        outcome: end.outcome,
        destination: end.site,
        bytesToBackend: headBytes(req) + socket.bytesRead - read,
        bytesToClient: socket.bytesWritten - written,
        traceId: traceIdOf(req.headers.traceparent),
        startedAt,
      });
    });
  }

  async #serve(target: HttpTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const kind = this.#kindOf(target, req.method ?? 'GET');
    const rule = this.#rules.match(target.config, target.port, {
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      header: (name) => headerOf(req, name),
    });
    // A route's backend narrows where reads go; writes of a single-writer service still go to the holder only.
    const outside = rule === undefined ? new Set<string>() : this.#outside(target, rule);
    const tried = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const destination = this.#destination(target, kind, req, new Set([...tried, ...outside]));
      if (destination.type === 'refused') return this.#refuseWrite(target, destination.route, res);
      if (destination.type === 'none') {
        this.#count(target, kind, 'refused');
        this.#ends.set(res, { site: null, outcome: 'refused' });
        return sendJsonError(
          res,
          {
            error: ErrorCode.NoEndpoint,
            message: `no ready endpoint of ${serviceKey(target.config.name, target.config.namespace)} is reachable`,
          },
          { 'retry-after': '1' },
        );
      }
      const { endpoint, fencing } = destination;
      tried.add(endpoint.site);
      const outcome = await this.#send(target, endpoint, fencing, req, res, rule);
      if (outcome.kind !== 'failed') {
        this.#ends.set(res, { site: endpoint.site, outcome: 'answered' });
        if (outcome.kind === 'answered') this.#count(target, kind, endpoint.kind);
        return;
      }
      // A write goes to the holder or nowhere; a read may try another endpoint if sending it again is harmless.
      const again =
        outcome.replayable ||
        (kind !== 'write' &&
          !outcome.timedOut &&
          IDEMPOTENT.has(req.method ?? '') &&
          !hasBody(req));
      if (!again || attempt >= MAX_READ_ATTEMPTS || (kind === 'write' && !outcome.replayable))
        return this.#fail(target, kind, endpoint, outcome, res);
      if (kind === 'write') tried.clear(); // a replay goes to the same holder
    }
  }

  /** Sites outside the route backend drawn for this request. */
  #outside(target: HttpTarget, rule: CompiledRule): Set<string> {
    const places = this.#endpoints(target.config, target.port).map(
      (e) => this.#deps.placeOf?.(e.site) ?? { site: e.site },
    );
    return sitesOutsideBackend(rule, places, () => (this.#deps.runtime ?? systemRuntime).random());
  }

  #kindOf(target: HttpTarget, method: string): RequestKind {
    const policy = writePolicyOf(
      this.#deps.directory.service(target.config.name, target.config.namespace),
    );
    if (policy.type === 'any') return 'any';
    return policy.readMethods.has(method) ? 'read' : 'write';
  }

  /** Reads: the traffic policy's choice (skipping endpoints tried already). Writes: the lease holder only. */
  #destination(
    target: HttpTarget,
    kind: RequestKind,
    req: IncomingMessage,
    tried: ReadonlySet<string>,
  ): Destination {
    const { config, port } = target;
    if (kind !== 'write') {
      const endpoint = this.#deps.chooser.choose(config, port, req.socket.remoteAddress, tried);
      return endpoint === undefined
        ? { type: 'none' }
        : { type: 'endpoint', endpoint, fencing: [] };
    }
    const policy = writePolicyOf(this.#deps.directory.service(config.name, config.namespace));
    if (policy.type !== 'single-writer') return { type: 'none' };
    const endpoints = this.#endpoints(config, port);
    const at = (site: string): Endpoint | undefined => endpoints.find((e) => e.site === site);
    const route = decideWriteRoute({
      lease: policy.lease,
      state: this.#deps.lease(policy.lease),
      now: (this.#deps.runtime ?? systemRuntime).now(),
      reachable: (site) => this.#deps.lsdb.isReachable(site),
      serving: (site) => at(site) !== undefined,
    });
    if (route.type === 'refuse') return { type: 'refused', route };
    const endpoint = this.#resolveLocal(config, port, at(route.site));
    if (endpoint === undefined) return { type: 'none' };
    this.#countIn(
      'routed',
      this.#deps.metrics.writesRouted,
      config.name,
      config.namespace,
      policy.lease,
      route.site,
    );
    return {
      type: 'endpoint',
      endpoint,
      fencing: [
        [FencingHeader.token, String(route.lease.fencingToken)],
        [FencingHeader.lease, route.lease.name],
        [FencingHeader.holder, route.lease.holder],
      ],
    };
  }

  async #send(
    target: HttpTarget,
    endpoint: Endpoint,
    fencing: Array<[string, string]>,
    req: IncomingMessage,
    res: ServerResponse,
    rule?: CompiledRule,
  ): Promise<ForwardOutcome> {
    const { config, port } = target;
    const local =
      endpoint.kind === 'local' && config.endpoint !== undefined
        ? this.#deps.directory.localExport(config.name, config.namespace, port, config.endpoint)
        : undefined;
    const resolved: Endpoint =
      local === undefined ? endpoint : { kind: 'local', site: endpoint.site, target: local };
    const key = `${serviceKey(config.name, config.namespace)}:${port}/${config.endpoint ?? ''}`;
    const agent = this.#upstreams.agentFor(key, resolved, (site) =>
      this.#deps.openFlow(config, port, site),
    );
    // An HTTP/1.0 client may send no Host; the backend gets the service's clusterset name instead.
    const host: Array<[string, string]> =
      req.headers.host === undefined
        ? [['Host', `${config.name}.${config.namespace}.svc.clusterset.local`]]
        : [];
    const headers = forwardHeaders(editRawHeaders(req.rawHeaders, rule?.config.requestHeaders), {
      keepTransferEncoding: true,
      add: [...host, ...fencing],
    });
    this.#deps.chooser.opened(config, port, endpoint.site);
    const outcome = await forwardRequest(req, res, {
      agent,
      headers,
      responseTimeoutMs: rule?.config.timeoutMs ?? this.#deps.dataPlane().http.responseTimeoutMs,
      ...(rule?.config.responseHeaders === undefined
        ? {}
        : { responseHeaders: rule.config.responseHeaders }),
    });
    this.#deps.chooser.closed(config, port, endpoint.site, outcome.kind === 'answered');
    if (outcome.kind === 'failed' && !outcome.timedOut)
      this.#deps.chooser.failed(config, port, endpoint.site);
    return outcome;
  }

  #refuseWrite(
    target: HttpTarget,
    route: Extract<WriteRoute, { type: 'refuse' }>,
    res: ServerResponse,
  ): void {
    const { config } = target;
    this.#count(target, 'write', 'refused');
    this.#ends.set(res, { site: null, outcome: 'refused' });
    this.#countIn(
      'refused',
      this.#deps.metrics.writesRefused,
      config.name,
      config.namespace,
      route.lease,
      route.reason,
    );
    this.#deps.logger.debug(
      {
        service: serviceKey(config.name, config.namespace),
        lease: route.lease,
        holder: route.holder,
        reason: route.reason,
      },
      'write refused',
    );
    sendJsonError(res, refusalBody(route), { 'retry-after': String(route.retryAfterSeconds) });
  }

  #fail(
    target: HttpTarget,
    kind: RequestKind,
    endpoint: Endpoint,
    outcome: Extract<ForwardOutcome, { kind: 'failed' }>,
    res: ServerResponse,
  ): void {
    this.#count(target, kind, 'failed');
    this.#ends.set(res, { site: endpoint.site, outcome: 'failed' });
    const service = serviceKey(target.config.name, target.config.namespace);
    this.#deps.logger.warn(
      { service, site: endpoint.site, kind, err: outcome.error },
      'HTTP request failed upstream',
    );
    if (outcome.timedOut)
      return sendJsonError(res, {
        error: ErrorCode.Timeout,
        site: endpoint.site,
        message: outcome.error.message,
      });
    sendJsonError(res, {
      error: ErrorCode.UpstreamFailed,
      site: endpoint.site,
      message: `${service} at ${endpoint.site}: ${outcome.error.message}`,
    });
  }

  /** Upgrade and CONNECT: the same choice as a request, then a raw tunnel. */
  #onTunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    const target = this.#targets.get(client);
    if (target === undefined) {
      client.destroy();
      return;
    }
    const kind = this.#kindOf(target, req.method ?? 'GET');
    const destination = this.#destination(target, kind, req, new Set());
    if (destination.type === 'refused') {
      this.#count(target, kind, 'refused');
      this.#countIn(
        'refused',
        this.#deps.metrics.writesRefused,
        target.config.name,
        target.config.namespace,
        destination.route.lease,
        destination.route.reason,
      );
      return refuseTunnel(client, refusalBody(destination.route), {
        'retry-after': String(destination.route.retryAfterSeconds),
      });
    }
    if (destination.type === 'none') {
      this.#count(target, kind, 'refused');
      return refuseTunnel(client, {
        error: ErrorCode.NoEndpoint,
        message: 'no ready endpoint is reachable',
      });
    }
    const { config, port } = target;
    const requestHead = serializeRequestHead(
      req.method ?? 'GET',
      req.url ?? '/',
      req.httpVersion,
      req.rawHeaders,
      destination.fencing,
    );
    const { idleTimeoutMs, connectTimeoutMs } = this.#deps.dataPlane();
    const opened = openTunnel(
      client,
      requestHead,
      head,
      destination.endpoint,
      (site) => this.#deps.openFlow(config, port, site),
      { idleTimeoutMs, connectTimeoutMs, onDone: () => undefined },
    );
    this.#count(target, kind, opened ? destination.endpoint.kind : 'failed');
    if (!opened)
      refuseTunnel(client, {
        error: ErrorCode.UpstreamFailed,
        message: `no route to ${destination.endpoint.site}`,
      });
  }

  #endpoints(config: ImportConfig, port: number): Endpoint[] {
    const key = `${serviceKey(config.name, config.namespace)}:${port}`;
    const version = `${this.#deps.directory.model.version}/${this.#deps.directory.localVersion}`;
    const cached = this.#endpointCache.get(key);
    if (cached !== undefined && cached.version === version) return cached.endpoints;
    const endpoints = this.#deps.directory.endpoints(config.name, config.namespace, port);
    this.#endpointCache.set(key, { version, endpoints });
    return endpoints;
  }

  /**
   * The cached list says whether this site serves the port; which of its own backends takes the
   * write is chosen now (in turn, healthy first), as health changes do not renew the cache.
   */
  #resolveLocal(
    config: ImportConfig,
    port: number,
    endpoint: Endpoint | undefined,
  ): Endpoint | undefined {
    if (endpoint?.kind !== 'local') return endpoint;
    const target = this.#deps.directory.localExport(config.name, config.namespace, port);
    return target === undefined ? undefined : { ...endpoint, target };
  }

  #count(target: HttpTarget, kind: RequestKind, served: string): void {
    this.#countIn(
      'requests',
      this.#deps.metrics.httpRequests,
      target.config.name,
      target.config.namespace,
      kind,
      served,
    );
  }

  /** Increments `counter` for (service, namespace, a, b) — its four labels, in declaration order. */
  #countIn(
    family: string,
    counter: { labels(...values: string[]): { inc(): void } },
    ...values: [string, string, string, string]
  ): void {
    const key = `${family}\u0000${values.join('\u0000')}`;
    let child = this.#series.get(key);
    if (child === undefined) {
      child = counter.labels(...values);
      this.#series.set(key, child);
    }
    child.inc();
  }
}

/** The 503 body of a refused write: which lease, who holds it, why, and what to do. */
function refusalBody(route: Extract<WriteRoute, { type: 'refuse' }>): ErrorBody {
  return {
    error: ErrorCode.WriterUnreachable,
    lease: route.lease,
    holder: route.holder,
    reason: route.reason,
    message: refusalMessage(route),
  };
}

function refusalMessage(route: Extract<WriteRoute, { type: 'refuse' }>): string {
  switch (route.reason) {
    case 'lease-unknown':
      return `the lease store has not told this site who holds ${route.lease} yet; writes wait until it does`;
    case 'lease-unheld':
      return `no site holds ${route.lease}, so no site takes writes; a site running with --hold-lease ${route.lease} on the majority side takes it`;
    case 'lease-expired':
      return `the term of ${route.holder ?? 'the last holder'} on ${route.lease} ran out (it stopped renewing); writes resume when a majority-side site takes the lease`;
    case 'holder-unreachable':
      return `${route.holder ?? 'the holder'} holds ${route.lease} but is unreachable from here (partition); writes are not sent anywhere else`;
    case 'holder-not-serving':
      return `${route.holder ?? 'the holder'} holds ${route.lease} but has no ready endpoint of this service`;
  }
}

/** All values of a request header as one string (Node joins most repeated headers already). */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The size of a request head as sent: request line, header lines, blank line. */
function headBytes(req: IncomingMessage): number {
  let n = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}\r\n\r\n`.length;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    n +=
      Buffer.byteLength(req.rawHeaders[i] ?? '') +
      Buffer.byteLength(req.rawHeaders[i + 1] ?? '') +
      4;
  return n;
}
