import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ImportConfig, SiteConfig } from '../../config/index.js';
import { parseHostPort } from '../../config/index.js';
import type { FlowRecorder, FlowRoute, Logger } from '../../observability/index.js';
import {
  encodeOpenRequest,
  hasAccessPolicy,
  isHttpPort,
  type OpenRequest,
  serviceKey,
  type ServiceDirectory,
} from '../../services/index.js';
import {
  ResetCode,
  bridgeFlow,
  pipeSockets,
  resetCodeName,
  type FlowOutcome,
  type MuxStream,
} from '../../transport/index.js';
import type { LinkStateDb } from '../../routing/index.js';
import type { EndpointChooser } from '../endpoint-chooser.js';
import type { HttpIngress } from '../http/http-ingress.js';
import { isHttp2Port, type Http2Ingress } from '../http2/index.js';
import type { LinkMesh } from '../../link/index.js';
import type { signOpenSource } from '../open-source.js';

/** Sites a new flow may try before the client sees a failure. */
const MAX_ATTEMPTS = 3;
/** Client bytes kept for replay until the first answer byte; beyond this the flow is committed. */
const REPLAY_LIMIT = 64 * 1024;

interface ImportListener {
  config: ImportConfig;
  server: Server;
  address: { host: string; port: number };
}

/** Import listeners: a local address per imported service whose connections become flows. */
export class TcpIngress {
  private readonly listeners = new Map<string, ImportListener>();
  /** Listeners that failed to bind, with the error code last logged for each. */
  private readonly bindFailures = new Map<string, string>();

  constructor(
    private readonly directory: ServiceDirectory,
    private readonly mesh: LinkMesh,
    private readonly lsdb: LinkStateDb,
    private readonly chooser: EndpointChooser,
    private readonly dataPlane: () => SiteConfig['dataPlane'],
    private readonly recorder: FlowRecorder,
    private readonly logger: Logger,
    private readonly http: HttpIngress,
    /** Signs a flow's source for exporters past the next hop (this site's key). */
    private readonly signSource: (
      open: Parameters<typeof signOpenSource>[0],
      source: Parameters<typeof signOpenSource>[1],
    ) => string = () => '',
    private readonly http2?: Http2Ingress,
  ) {}

  /** Opens listeners for new imports and closes removed ones; resolves with the imports that could not bind. */
  async reconcile(
    imports: readonly ImportConfig[],
  ): Promise<Array<{ config: ImportConfig; error: unknown }>> {
    const failed: Array<{ config: ImportConfig; error: unknown }> = [];
    const wanted = new Map(imports.map((i) => [JSON.stringify(i), i]));
    for (const [id, listener] of this.listeners) {
      if (!wanted.has(id)) {
        listener.server.close();
        this.listeners.delete(id);
      }
    }
    for (const [id, config] of wanted) {
      if (this.listeners.has(id)) continue;
      try {
        this.listeners.set(id, await this.open(config));
        this.bindFailures.delete(id);
      } catch (err) {
        failed.push({ config, error: err });
        // Retried at every sync; told once per listener and error, not at every reload.
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        if (this.bindFailures.get(id) === code) continue;
        this.bindFailures.set(id, code);
        this.logger.error(
          { service: serviceKey(config.name, config.namespace), listen: config.listen, err },
          'import listener failed to bind',
        );
      }
    }
    for (const id of this.bindFailures.keys()) if (!wanted.has(id)) this.bindFailures.delete(id);
    return failed;
  }

  /** Where each import actually listens (port 0 resolved). */
  addresses(): Array<{ config: ImportConfig; address: { host: string; port: number } }> {
    return [...this.listeners.values()].map((l) => ({ config: l.config, address: l.address }));
  }

  close(): void {
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
    this.http.close();
    this.http2?.close();
  }

  private async open(config: ImportConfig): Promise<ImportListener> {
    const { host, port } = parseHostPort(config.listen, 'imports.listen', true);
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      this.onClient(config, socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) =>
      this.logger.error({ listen: config.listen, err }, 'import listener error'),
    );
    const bound = server.address();
    const address =
      typeof bound === 'object' && bound !== null
        ? { host: bound.address, port: bound.port }
        : { host, port };
    this.logger.info(
      {
        service: serviceKey(config.name, config.namespace),
        listen: `${address.host}:${address.port}`,
      },
      'import listening',
    );
    return { config, server, address };
  }

  private onClient(config: ImportConfig, client: Socket): void {
    const port = config.port ?? this.directory.ports(config.name, config.namespace)[0];
    // HTTP services are routed per request; the connection itself goes to no endpoint.
    const service = this.directory.service(config.name, config.namespace);
    if (port !== undefined && isHttpPort(service, port)) {
      this.http.accept(config, port, client);
      return;
    }
    if (port !== undefined && this.http2 !== undefined && isHttp2Port(service, port)) {
      this.http2.accept(config, port, client);
      return;
    }
    const endpoint =
      port === undefined ? undefined : this.chooser.choose(config, port, client.remoteAddress);
    if (endpoint === undefined || port === undefined) {
      this.refuse(config, client, 'no-endpoint');
      return;
    }
    if (endpoint.kind === 'local') {
      const target =
        config.endpoint === undefined
          ? endpoint.target
          : this.directory.localExport(
              config.name,
              config.namespace,
              endpoint.target.port,
              config.endpoint,
            );
      if (target === undefined) {
        this.refuse(config, client, 'no-endpoint');
        return;
      }
      this.chooser.opened(config, port, endpoint.site);
      this.toLocalBackend(config, client, target.to, endpoint.site, (outcome) =>
        this.chooser.closed(config, port, endpoint.site, outcome.kind === 'closed'),
      );
      return;
    }
    const stream = this.openFlow(config, port, endpoint.site, client.remoteAddress);
    if (stream === undefined) {
      this.refuse(config, client, 'no-link');
      return;
    }
    const ticket = this.recorder.started(
      config.name,
      config.namespace,
      this.routeTo(endpoint.site),
    );
    this.chooser.opened(config, port, endpoint.site);
    // A flow refused before it is answered is retried on another site, unless pinned to one.
    let current = endpoint.site;
    const tried = new Set([current]);
    const reopen = (code: number): MuxStream | undefined => {
      // A lost link already takes its site out of rotation; its stranded flows say nothing about
      // the endpoint, and counting them would keep the site ejected for seconds after it is back.
      if (code !== ResetCode.LinkLost) this.chooser.failed(config, port, current);
      if (config.site !== undefined || tried.size >= MAX_ATTEMPTS) return undefined;
      const next = this.chooser.choose(config, port, client.remoteAddress, tried);
      const stream =
        next === undefined
          ? undefined
          : this.openFlow(config, port, next.site, client.remoteAddress);
      if (next === undefined || stream === undefined) return undefined;
      this.chooser.closed(config, port, current, false);
      this.chooser.opened(config, port, next.site);
      tried.add(next.site);
      current = next.site;
      ticket.route = this.routeTo(current);
      this.recorder.retried(config.name, config.namespace, resetCodeName(code));
      return stream;
    };
    const onDone = (outcome: FlowOutcome): void => {
      this.chooser.closed(config, port, current, outcome.bytesOut > 0);
      this.recorder.finished(ticket, outcome);
    };
    bridgeFlow(client, stream, {
      idleTimeoutMs: this.dataPlane().idleTimeoutMs,
      onDone,
      retry: { reopen, replayLimit: REPLAY_LIMIT },
    });
  }

  /** Opens a flow towards `site` along its route; OPEN goes out at once, the client's bytes right behind it. */
  openFlow(
    config: ImportConfig,
    port: number,
    site: string,
    clientAddress?: string,
  ): MuxStream | undefined {
    const route = this.lsdb.route(site);
    const session =
      route === undefined ? undefined : this.mesh.peers.get(route.nextHop)?.pickSession();
    const open = {
      service: config.name,
      namespace: config.namespace,
      port,
      site,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    };
    const source =
      route === undefined ? undefined : this.sourceOf(open, route.nextHop, clientAddress);
    return session?.openStream(
      encodeOpenRequest(source === undefined ? open : { ...open, source }),
    );
  }

  /** The flow's source, for an exporter that decides access (signed when it is not the next hop). */
  private sourceOf(
    open: { service: string; namespace: string; port: number; site: string },
    nextHop: string,
    address: string | undefined,
  ): OpenRequest['source'] {
    const exported = this.lsdb
      .get(open.site)
      ?.services.find((s) => s.name === open.service && s.namespace === open.namespace);
    if (!hasAccessPolicy(exported)) return undefined;
    const source = { site: this.lsdb.self, ...(address === undefined ? {} : { address }) };
    if (nextHop === open.site) return source;
    return { ...source, signature: this.signSource(open, source) };
  }

  private toLocalBackend(
    config: ImportConfig,
    client: Socket,
    to: string,
    site: string,
    onEnd: (outcome: FlowOutcome) => void,
  ): void {
    const { host, port } = parseHostPort(to, 'exports.to');
    const backend = connect({ host, port, allowHalfOpen: true, noDelay: true });
    const ticket = this.recorder.started(config.name, config.namespace, {
      source: this.lsdb.self,
      destination: site,
    });
    backend.setTimeout(this.dataPlane().connectTimeoutMs, () =>
      backend.destroy(new Error('connect timeout')),
    );
    backend.once('connect', () => backend.setTimeout(0));
    pipeSockets(client, backend, (outcome) => {
      onEnd(outcome);
      this.recorder.finished(ticket, outcome);
    });
  }

  /** The flow's way to `site`: from here, through the route's next hop. */
  private routeTo(site: string): FlowRoute {
    return { source: this.lsdb.self, destination: site, nextHop: this.lsdb.route(site)?.nextHop };
  }

  private refuse(config: ImportConfig, client: Socket, result: string): void {
    client.resetAndDestroy();
    this.recorder.refused(config.name, config.namespace, result, { source: this.lsdb.self });
    this.logger.warn(
      { service: serviceKey(config.name, config.namespace), result },
      'flow refused: no reachable endpoint',
    );
  }
}
