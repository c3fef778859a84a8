import {
  constants,
  createServer,
  type ClientHttp2Stream,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { HttpRouteConfig, ImportConfig, SiteConfig } from '../../config/index.js';
import { ErrorCode, errorCodeOf } from '../../errors/index.js';
import type { FlowRecorder, Logger, RouterMetrics, SitePlace } from '../../observability/index.js';
import type { LinkStateDb } from '../../routing/index.js';
import { systemRuntime, type Runtime } from '../../runtime/index.js';
import { serviceKey, type Endpoint, type ServiceDirectory } from '../../services/index.js';
import { ResetCode, type MuxStream } from '../../transport/index.js';
import type { EndpointChooser } from '../endpoint-chooser.js';
import {
  compileRoutes,
  matchRule,
  pickBackend,
  RetryBudget,
  type BackendChoice,
  type CompiledRule,
  type RouteTable,
} from '../http/routes/index.js';
import { answerError, isGrpcRequest } from './grpc-answer.js';
import { sendAttempt, type AttemptResult } from './http2-exchange.js';
import {
  clientResponseHeaders,
  forwardedTrailers,
  headerValue,
  upstreamRequestHeaders,
} from './http2-headers.js';
import { backendTlsOf } from './http2-port.js';
import { Http2Upstreams } from './http2-upstreams.js';
import { RequestBody } from './request-body.js';
import { retryWanted } from './retry-wanted.js';

export interface Http2IngressDeps {
  directory: ServiceDirectory;
  lsdb: LinkStateDb;
  chooser: EndpointChooser;
  openFlow(config: ImportConfig, port: number, site: string): MuxStream | undefined;
  dataPlane(): SiteConfig['dataPlane'];
  /** The routing rules of this site's configuration (compiled again only when they change). */
  routes(): readonly HttpRouteConfig[];
  placeOf(site: string): SitePlace | undefined;
  recorder: FlowRecorder;
  metrics: RouterMetrics;
  logger: Logger;
  runtime?: Runtime;
}

interface Http2Target {
  config: ImportConfig;
  port: number;
  /** The client's address, read once per connection (session policies such as ClientIP use it). */
  clientIp?: string | undefined;
}

/** Client-side windows: as upstream (see http2-upstreams.ts), a 64 KiB window stalls long-haul streams. */
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 8 << 20;
/** A request body up to this is kept, so the request can be sent again; a larger one is only streamed. */
const REPLAY_BYTES = 64 * 1024;
/** Sites a request the backend never processed may try before the client gets UNAVAILABLE. */
const MAX_UNPROCESSED_TRIES = 3;

/**
 * HTTP/2 (h2c with prior knowledge, gRPC) on import listeners of services listed with an HTTP/2
 * `appProtocol`: the router ends the client's HTTP/2 and gives **each request** (stream) its own
 * destination, so one long-lived gRPC connection still spreads its calls over the sites. Streams
 * are relayed with their flow control, trailers and resets intact.
 */
export class Http2Ingress {
  readonly #deps: Http2IngressDeps;
  readonly #server: Http2Server;
  readonly #targets = new WeakMap<ServerHttp2Session, Http2Target>();
  #accepting: Http2Target | undefined;
  readonly #upstreams = new Http2Upstreams();
  #routes: { config: readonly HttpRouteConfig[]; table: RouteTable } | undefined;
  readonly #budgets = new Map<string, RetryBudget>();
  readonly #runtime: Runtime;
  readonly #series = new Map<string, { inc(): void }>();

  constructor(deps: Http2IngressDeps) {
    this.#deps = deps;
    this.#runtime = deps.runtime ?? systemRuntime;
    this.#server = createServer({
      settings: { initialWindowSize: STREAM_WINDOW, maxConcurrentStreams: 1000 },
      maxSessionMemory: 64,
    });
    this.#server.on('session', (session: ServerHttp2Session) => {
      // 'session' is emitted inside emit('connection'), so the target being accepted is this one's.
      if (this.#accepting !== undefined) this.#targets.set(session, this.#accepting);
      session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
      session.on('error', (err) => deps.logger.debug({ err }, 'HTTP/2 client session failed'));
    });
    this.#server.on('stream', (stream, headers, flags) => this.#onStream(stream, headers, flags));
  }

  /** Takes over a client connection of an HTTP/2 import. */
  accept(config: ImportConfig, port: number, client: Socket): void {
    const ticket = this.#deps.recorder.started(config.name, config.namespace, {
      protocol: 'http2',
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
    this.#accepting = { config, port, clientIp: client.remoteAddress };
    try {
      this.#server.emit('connection', client);
    } finally {
      this.#accepting = undefined;
    }
  }

  close(): void {
    this.#server.close();
    this.#upstreams.close();
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number): void {
    const target = this.#targets.get(stream.session as ServerHttp2Session);
    const grpc = isGrpcRequest(headers);
    stream.on('error', () => undefined); // a client reset is seen on 'close'; nothing to log
    if (target === undefined) {
      answerError(stream, grpc, {
        code: ErrorCode.Internal,
        message: 'connection without an import',
      });
      return;
    }
    this.#serve(target, stream, headers, flags).catch((err: unknown) => {
      this.#deps.logger.error(
        { service: serviceKey(target.config.name, target.config.namespace), err },
        'HTTP/2 request failed in the router',
      );
      answerError(stream, grpc, {
        code: errorCodeOf(err),
        message: err instanceof Error ? err.message : String(err),
      });
    });
  }

  async #serve(
    target: Http2Target,
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    flags: number,
  ): Promise<void> {
    const { config, port } = target;
    const service = serviceKey(config.name, config.namespace);
    const grpc = isGrpcRequest(headers);
    const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    const rule = matchRule(this.#rulesFor(config), routeRequest(headers), port);
    const body = new RequestBody(stream, REPLAY_BYTES, endStream);
    const outgoing = upstreamRequestHeaders(headers, rule?.config.requestHeaders);
    const retries = rule?.config.retries;
    const budget = rule === undefined || retries === undefined ? undefined : this.#budget(rule);
    budget?.request();
    let current: ClientHttp2Stream | undefined;
    let timedOut = false;
    stream.once('close', () => {
      // The client reset the stream (a gRPC cancel is RST_STREAM CANCEL): the backend is told the same.
      if (current !== undefined && !current.closed)
        current.close(stream.rstCode === 0 ? constants.NGHTTP2_CANCEL : stream.rstCode);
    });
    const timeoutMs = rule?.config.timeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            current?.close(constants.NGHTTP2_CANCEL);
            if (stream.headersSent) stream.close(constants.NGHTTP2_CANCEL);
            else
              answerError(stream, grpc, {
                code: ErrorCode.Timeout,
                message: `${service}: route ${rule?.route ?? ''} allows ${timeoutMs} ms and the backend took longer`,
              });
          }, timeoutMs);
    stream.once('close', () => clearTimeout(timer));
    if (rule?.config.mirror !== undefined) this.#mirror(target, rule, outgoing, body, endStream);
    const tried = new Set<string>();
    let unprocessedTries = 0;
    let retried = 0;
    for (;;) {
      if (stream.closed || timedOut) return;
      const choice = pickBackend(
        rule,
        () => this.#runtime.random(),
        (c) => this.#usable(target, c, tried),
      );
      const endpoint = this.#choose(target, choice, tried, target.clientIp);
      if (endpoint === undefined) {
        this.#count(target, 'refused');
        return answerError(stream, grpc, {
          code: ErrorCode.NoEndpoint,
          message: `no site can serve ${service}: no ready endpoint${choice.type === 'only' ? ` in ${choice.label}` : ''} is reachable${tried.size > 0 ? ` (tried ${[...tried].join(', ')})` : ''}`,
        });
      }
      tried.add(endpoint.site);
      const session = this.#upstreams.sessionFor(this.#sessionKey(target, endpoint), () => ({
        endpoint,
        authority: `${config.name}.${config.namespace}.svc.clusterset.local`,
        tls: backendTlsOf(this.#deps.directory.service(config.name, config.namespace)),
        openFlow: (site) => this.#deps.openFlow(config, port, site),
        connectTimeoutMs: this.#deps.dataPlane().connectTimeoutMs,
      }));
      if (session === undefined) {
        this.#deps.chooser.failed(config, port, endpoint.site);
        if (++unprocessedTries < MAX_UNPROCESSED_TRIES) continue;
        this.#count(target, 'failed');
        return answerError(stream, grpc, {
          code: ErrorCode.NoEndpoint,
          message: `no site can serve ${service}: no route to ${[...tried].join(', ')}`,
        });
      }
      this.#deps.chooser.opened(config, port, endpoint.site);
      const result = await sendAttempt(session, outgoing, body, endStream, (up) => {
        current = up;
      });
      const again = this.#again(result, rule, budget, body, { unprocessedTries, retried });
      if (again !== 'no') {
        this.#deps.chooser.closed(config, port, endpoint.site, false);
        if (result.kind === 'failed') this.#deps.chooser.failed(config, port, endpoint.site);
        else result.upstream.close(constants.NGHTTP2_CANCEL);
        if (again === 'unprocessed') unprocessedTries += 1;
        else retried += 1;
        continue;
      }
      if (result.kind === 'failed') {
        this.#deps.chooser.closed(config, port, endpoint.site, false);
        if (!timedOut) this.#deps.chooser.failed(config, port, endpoint.site);
        this.#count(target, 'failed');
        this.#deps.logger.warn(
          { service, site: endpoint.site, err: result.error },
          'HTTP/2 request failed upstream',
        );
        if (stream.closed || timedOut) return;
        if (
          result.rstCode !== undefined &&
          result.rstCode !== constants.NGHTTP2_NO_ERROR &&
          stream.headersSent
        )
          return stream.close(result.rstCode);
        return answerError(stream, grpc, {
          code: ErrorCode.UpstreamFailed,
          site: endpoint.site,
          message: `${service} at ${endpoint.site}: ${result.error.message}`,
        });
      }
      this.#count(target, endpoint.kind);
      this.#relayResponse(stream, result, rule, () =>
        this.#deps.chooser.closed(config, port, endpoint.site, true),
      );
      return;
    }
  }

  /** Whether to send the request again: only when the backend never processed it, or the route allows it and its budget has room. */
  #again(
    result: AttemptResult,
    rule: CompiledRule | undefined,
    budget: RetryBudget | undefined,
    body: RequestBody,
    counts: { unprocessedTries: number; retried: number },
  ): 'no' | 'unprocessed' | 'route' {
    if (!body.replayable) return 'no';
    if (result.kind === 'failed' && result.unprocessed)
      return counts.unprocessedTries + 1 < MAX_UNPROCESSED_TRIES ? 'unprocessed' : 'no';
    const retries = rule?.config.retries;
    if (retries === undefined || counts.retried >= retries.attempts) return 'no';
    if (!retryWanted(result, retries.on)) return 'no';
    return budget?.tryRetry() === true ? 'route' : 'no';
  }

  /** Commits a response: headers (edited by the rule), body with back-pressure, trailers, and resets both ways. */
  #relayResponse(
    stream: ServerHttp2Stream,
    result: Extract<AttemptResult, { kind: 'response' }>,
    rule: CompiledRule | undefined,
    done: () => void,
  ): void {
    const { upstream } = result;
    upstream.once('close', done);
    if (stream.closed) {
      upstream.close(constants.NGHTTP2_CANCEL);
      return;
    }
    stream.respond(clientResponseHeaders(result.headers, rule?.config.responseHeaders), {
      endStream: result.endStream,
      waitForTrailers: !result.endStream,
    });
    if (result.endStream) return;
    stream.once('wantTrailers', () =>
      stream.sendTrailers(forwardedTrailers(result.trailers.value ?? {})),
    );
    upstream.pipe(stream);
    upstream.once('close', () => {
      // The backend reset its stream mid-answer: the client gets the same reset, not a short answer.
      const code = upstream.rstCode ?? constants.NGHTTP2_NO_ERROR;
      if (code !== constants.NGHTTP2_NO_ERROR && !stream.closed) stream.close(code);
    });
  }

  /** A copy of the request to the rule's mirror; its answer is read and dropped. */
  #mirror(
    target: Http2Target,
    rule: CompiledRule,
    headers: ReturnType<typeof upstreamRequestHeaders>,
    body: RequestBody,
    endStream: boolean,
  ): void {
    const mirror = rule.config.mirror;
    if (mirror === undefined || this.#runtime.random() * 100 >= mirror.percent) return;
    const namespace = mirror.namespace ?? target.config.namespace;
    const name = mirror.service ?? target.config.name;
    const config: ImportConfig = { name, namespace, listen: target.config.listen };
    const port =
      name === target.config.name && namespace === target.config.namespace
        ? target.port
        : (this.#deps.directory.ports(name, namespace)[0] ?? target.port);
    const others = new Set(
      this.#deps.directory
        .endpoints(name, namespace, port)
        .map((e) => e.site)
        .filter((s) => mirror.site !== undefined && s !== mirror.site),
    );
    const endpoint = this.#deps.chooser.choose(config, port, undefined, others);
    if (endpoint === undefined) return;
    const session = this.#upstreams.sessionFor(
      `mirror/${this.#sessionKey({ config, port }, endpoint)}`,
      () => ({
        endpoint,
        authority: `${name}.${namespace}.svc.clusterset.local`,
        tls: backendTlsOf(this.#deps.directory.service(name, namespace)),
        openFlow: (site) => this.#deps.openFlow(config, port, site),
        connectTimeoutMs: this.#deps.dataPlane().connectTimeoutMs,
      }),
    );
    if (session === undefined) return;
    let copy: ClientHttp2Stream;
    try {
      copy = session.request(headers, { endStream });
    } catch {
      return;
    }
    copy.on('error', () => undefined); // a mirror's failure is not the request's
    copy.on('response', () => copy.resume());
    if (!endStream) body.mirrorTo(copy);
  }

  /** True when some endpoint not tried yet lies in the backend `choice`. */
  #usable(target: Http2Target, choice: BackendChoice, tried: ReadonlySet<string>): boolean {
    if (choice.type === 'any') return true;
    return this.#deps.directory
      .endpoints(target.config.name, target.config.namespace, target.port)
      .some((e) => !tried.has(e.site) && choice.allows(this.#placeOf(e.site)));
  }

  /** The traffic policy's choice among the endpoints of the backend `choice` that were not tried. */
  #choose(
    target: Http2Target,
    choice: BackendChoice,
    tried: ReadonlySet<string>,
    clientIp: string | undefined,
  ): Endpoint | undefined {
    const { config, port } = target;
    let exclude = tried;
    if (choice.type === 'only') {
      const outside = this.#deps.directory
        .endpoints(config.name, config.namespace, port)
        .map((e) => e.site)
        .filter((s) => !choice.allows(this.#placeOf(s)));
      exclude = new Set([...tried, ...outside]);
    }
    const endpoint = this.#deps.chooser.choose(config, port, clientIp, exclude);
    if (endpoint?.kind !== 'local') return endpoint;
    const local = this.#deps.directory.localExport(
      config.name,
      config.namespace,
      port,
      config.endpoint,
    );
    return local === undefined ? undefined : { ...endpoint, target: local };
  }

  #placeOf(site: string): { site: string; zone?: string; region?: string } {
    return this.#deps.placeOf(site) ?? { site };
  }

  #sessionKey(target: Http2Target, endpoint: Endpoint): string {
    const base = `${serviceKey(target.config.name, target.config.namespace)}:${target.port}`;
    return endpoint.kind === 'local'
      ? `${base}/local/${endpoint.target.to}`
      : `${base}/${endpoint.site}`;
  }

  #rulesFor(config: ImportConfig): readonly CompiledRule[] {
    const routes = this.#deps.routes();
    if (this.#routes?.config !== routes) {
      this.#routes = { config: routes, table: compileRoutes(routes) };
      this.#budgets.clear();
    }
    return this.#routes.table.get(`${config.namespace}/${config.name}`) ?? [];
  }

  #budget(rule: CompiledRule): RetryBudget {
    const key = `${rule.route}/${rule.index}`;
    let budget = this.#budgets.get(key);
    if (budget === undefined) {
      budget = new RetryBudget(rule.config.retries?.budgetPercent ?? 20, () => this.#runtime.now());
      this.#budgets.set(key, budget);
    }
    return budget;
  }

  /** Counts a request; label children are kept, so a request costs a map lookup, not label hashing. */
  #count(target: Http2Target, served: string): void {
    const { name, namespace } = target.config;
    const key = `${namespace}/${name}/${served}`;
    let child = this.#series.get(key);
    if (child === undefined) {
      child = this.#deps.metrics.httpRequests.labels(name, namespace, 'any', served);
      this.#series.set(key, child);
    }
    child.inc();
  }
}

/** The request as route rules see it. */
function routeRequest(headers: IncomingHttpHeaders): {
  method: string;
  target: string;
  header(name: string): string | undefined;
} {
  return {
    method: headerValue(headers, ':method') ?? 'GET',
    target: headerValue(headers, ':path') ?? '/',
    header: (name) => headerValue(headers, name),
  };
}
