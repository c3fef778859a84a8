import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import type { ImportConfig, SiteConfig } from '../../config/index.js';
import { parseHostPort } from '../../config/index.js';
import type { LinkMesh } from '../../link/index.js';
import type { FlowRecorder, FlowRoute, Logger } from '../../observability/index.js';
import type { LinkStateDb } from '../../routing/index.js';
import type { Runtime } from '../../runtime/index.js';
import { encodeOpenRequest, serviceKey, type ServiceDirectory } from '../../services/index.js';
import { ResetCode, resetCodeName } from '../../transport/index.js';
import type { EndpointChooser } from '../endpoint-chooser.js';
import { BackendSocket } from './backend-socket.js';
import { countDrop } from './count-drop.js';
import type { DatagramPath, PathEvents } from './datagram-path.js';
import { IdleWatch } from './idle-watch.js';
import { StreamPath } from './stream-path.js';
import { UdpSession } from './udp-session.js';
import { sessionIdleTimeout } from './udp-timing.js';

interface UdpListener {
  config: ImportConfig;
  socket: Socket;
  address: { host: string; port: number };
  sessions: Map<string, { session: UdpSession; idle: IdleWatch }>;
}

export interface UdpIngressDeps {
  directory: ServiceDirectory;
  mesh: LinkMesh;
  lsdb: LinkStateDb;
  chooser: EndpointChooser;
  dataPlane(): SiteConfig['dataPlane'];
  recorder: FlowRecorder;
  logger: Logger;
  runtime: Runtime;
}

/**
 * UDP import listeners: a socket per import whose client addresses become sessions, each sent to
 * one site by the import's traffic policy (as a TCP flow is) and replied to from the same socket,
 * so the client sees its datagrams answered from the address it sent them to.
 */
export class UdpIngress {
  private readonly listeners = new Map<string, UdpListener>();

  constructor(private readonly deps: UdpIngressDeps) {}

  /** Opens sockets for new UDP imports and closes removed ones; resolves with those that could not bind. */
  async reconcile(
    imports: readonly ImportConfig[],
  ): Promise<Array<{ config: ImportConfig; error: unknown }>> {
    const failed: Array<{ config: ImportConfig; error: unknown }> = [];
    const wanted = new Map(imports.map((i) => [JSON.stringify(i), i]));
    for (const [id, listener] of this.listeners)
      if (!wanted.has(id)) {
        this.shut(listener);
        this.listeners.delete(id);
      }
    for (const [id, config] of wanted) {
      if (this.listeners.has(id)) continue;
      try {
        this.listeners.set(id, await this.open(config));
      } catch (error) {
        failed.push({ config, error });
      }
    }
    return failed;
  }

  /** Where each UDP import listens (port 0 resolved). */
  addresses(): Array<{ config: ImportConfig; address: { host: string; port: number } }> {
    return [...this.listeners.values()].map((l) => ({ config: l.config, address: l.address }));
  }

  /** Sessions in progress, all listeners together. */
  get sessionCount(): number {
    let n = 0;
    for (const l of this.listeners.values()) n += l.sessions.size;
    return n;
  }

  close(): void {
    for (const l of this.listeners.values()) this.shut(l);
    this.listeners.clear();
  }

  private async open(config: ImportConfig): Promise<UdpListener> {
    const { host, port } = parseHostPort(config.listen, 'imports.listen', true);
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    socket.bind({ address: host, port, exclusive: true });
    await once(socket, 'listening').catch((err: unknown) => {
      socket.close();
      throw err;
    });
    const bound = socket.address();
    const listener: UdpListener = {
      config,
      socket,
      address: { host: bound.address, port: bound.port },
      sessions: new Map(),
    };
    socket.on('message', (payload, from) => this.onDatagram(listener, payload, from));
    socket.on('error', (err) =>
      this.deps.logger.error({ listen: config.listen, err }, 'UDP import listener error'),
    );
    this.deps.logger.info(
      {
        service: serviceKey(config.name, config.namespace),
        listen: `${bound.address}:${bound.port}`,
        protocol: 'UDP',
      },
      'import listening',
    );
    return listener;
  }

  private onDatagram(listener: UdpListener, payload: Buffer, from: RemoteInfo): void {
    const { config } = listener;
    const key = `${from.address}|${from.port}`;
    let entry = listener.sessions.get(key);
    if (entry === undefined) {
      const drop = countDrop(this.deps.lsdb.self, 'ingress', config.name, config.namespace);
      if (listener.sessions.size >= this.deps.dataPlane().udp.maxSessions) {
        drop('sessions');
        return;
      }
      const port =
        config.port ?? this.deps.directory.ports(config.name, config.namespace, 'UDP')[0];
      if (port === undefined) {
        drop('no-endpoint');
        return;
      }
      entry = this.startSession(listener, key, port, from);
      listener.sessions.set(key, entry);
    }
    entry.idle.touch();
    const dropped = entry.session.fromClient(payload);
    if (dropped !== undefined)
      countDrop(this.deps.lsdb.self, 'ingress', config.name, config.namespace)(dropped);
  }

  private startSession(
    listener: UdpListener,
    key: string,
    port: number,
    client: RemoteInfo,
  ): { session: UdpSession; idle: IdleWatch } {
    const { config, socket } = listener;
    const { chooser, recorder, logger } = this.deps;
    const ticket = recorder.started(config.name, config.namespace, { protocol: 'udp' });
    const session = new UdpSession(
      (exclude, events) => this.openPath(config, port, client, exclude, events),
      {
        reply: (payload) => {
          idle.touch();
          socket.send(payload, client.port, client.address);
        },
        failed: (site, code) => {
          if (code !== ResetCode.LinkLost) chooser.failed(config, port, site);
          chooser.closed(config, port, site, false);
          logger.warn(
            { service: serviceKey(config.name, config.namespace), site, code: resetCodeName(code) },
            'UDP session failed at its site; the next datagram goes elsewhere',
          );
        },
        placed: (site, failover) => {
          ticket.route = this.routeTo(site);
          if (failover) recorder.retried(config.name, config.namespace, 'failover');
        },
      },
    );
    const idle = new IdleWatch(
      this.deps.runtime,
      () => sessionIdleTimeout(session.traffic, this.deps.dataPlane().udp),
      () => {
        listener.sessions.delete(key);
        const site = session.site;
        if (site !== undefined) chooser.closed(config, port, site, session.traffic.toClient > 0);
        session.close(ResetCode.IdleTimeout);
        recorder.finished(ticket, {
          kind: 'closed',
          bytesIn: session.bytes.toBackend,
          bytesOut: session.bytes.toClient,
        });
      },
    );
    return { session, idle };
  }

  /** A path for a session: to this site's backend, or a stream towards the chosen site. */
  private openPath(
    config: ImportConfig,
    port: number,
    client: RemoteInfo,
    exclude: ReadonlySet<string>,
    events: PathEvents,
  ): { site: string; path: DatagramPath } | undefined {
    const { chooser, directory } = this.deps;
    const endpoint = chooser.choose(config, port, client.address, exclude);
    if (endpoint === undefined) return undefined;
    let path: DatagramPath | undefined;
    if (endpoint.kind === 'local') {
      const target = directory.localExport(
        config.name,
        config.namespace,
        port,
        config.endpoint,
        'UDP',
      );
      if (target === undefined) return undefined;
      const { host, port: backendPort } = parseHostPort(target.to, 'exports.to');
      path = new BackendSocket(host, backendPort, events);
    } else {
      const stream = this.openStream(config, port, endpoint.site);
      if (stream === undefined) return undefined;
      path = new StreamPath(stream, this.deps.dataPlane().udp.linkQueueBytes, events);
    }
    chooser.opened(config, port, endpoint.site);
    return { site: endpoint.site, path };
  }

  private openStream(config: ImportConfig, port: number, site: string) {
    const route = this.deps.lsdb.route(site);
    const session =
      route === undefined ? undefined : this.deps.mesh.peers.get(route.nextHop)?.pickSession();
    return session?.openStream(
      encodeOpenRequest({
        service: config.name,
        namespace: config.namespace,
        port,
        site,
        protocol: 'UDP',
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      }),
    );
  }

  private routeTo(site: string): FlowRoute {
    const { lsdb } = this.deps;
    return {
      protocol: 'udp',
      source: lsdb.self,
      destination: site,
      nextHop: lsdb.route(site)?.nextHop,
    };
  }

  private shut(listener: UdpListener): void {
    for (const { session, idle } of listener.sessions.values()) {
      idle.stop();
      session.close(ResetCode.Cancelled);
    }
    listener.sessions.clear();
    listener.socket.close();
  }
}
