import { connect, type Socket } from 'node:net';
import type { SiteConfig } from '../../config/index.js';
import { parseHostPort } from '../../config/index.js';
import type { FlowRecorder, FlowTicket, Logger } from '../../observability/index.js';
import type { LinkStateDb } from '../../routing/index.js';
import {
  decodeOpenRequest,
  encodeOpenRequest,
  serviceKey,
  type OpenRequest,
  type ServiceDirectory,
} from '../../services/index.js';
import {
  ResetCode,
  bridgeFlow,
  resetCodeName,
  spliceStreams,
  type FlowOutcome,
  type MuxStream,
} from '../../transport/index.js';
import type { LinkMesh } from '../../link/index.js';
import { decideAccess, type AccessRule } from '../../policy/index.js';
import { verifyOpenSource } from '../open-source.js';

/** Hops a flow may take when the opener did not say; more than any sane topology needs. */
const DEFAULT_TTL = 16;

/**
 * Flows arriving over links: for this site's exports, connect the backend and bridge; for
 * another site, forward them one hop further along the least-cost route (transit).
 */
export class TcpEgress {
  constructor(
    private readonly directory: ServiceDirectory,
    private readonly mesh: LinkMesh,
    private readonly lsdb: LinkStateDb,
    private readonly dataPlane: () => SiteConfig['dataPlane'],
    private readonly recorder: FlowRecorder,
    private readonly transit: FlowRecorder,
    private readonly logger: Logger,
    /** The allow rules of an export's access policy; undefined: every member may open flows. */
    private readonly accessRules: (
      service: string,
      namespace: string,
    ) => readonly AccessRule[] | undefined = () => undefined,
    /** Sessions of this site's UDP exports: an OPEN with `protocol: UDP` ending here goes to them. */
    private readonly udp?: { accept(peer: string, stream: MuxStream, open: OpenRequest): void },
  ) {}

  accept(peer: string, stream: MuxStream, openPayload: Buffer): void {
    let open;
    try {
      open = decodeOpenRequest(openPayload);
    } catch (err) {
      this.logger.warn({ peer, err }, 'flow refused: bad OPEN');
      stream.reset(ResetCode.ProtocolError);
      return;
    }
    if (open.site !== undefined && open.site !== this.lsdb.self) {
      this.forward(peer, stream, { ...open, site: open.site });
      return;
    }
    if (open.protocol === 'UDP') {
      if (this.udp === undefined) stream.reset(ResetCode.Refused);
      else this.udp.accept(peer, stream, open);
      return;
    }
    const key = serviceKey(open.service, open.namespace);
    const target = this.directory.localExport(
      open.service,
      open.namespace,
      open.port,
      open.endpoint,
    );
    if (target === undefined) {
      this.refuse(key, open, peer, stream, ResetCode.NoRoute, 'not exported here');
      return;
    }
    const rules = this.accessRules(open.service, open.namespace);
    if (rules !== undefined && !this.admits(rules, open, peer, stream)) return;
    const { host, port } = parseHostPort(target.to, 'exports.to');
    const { connectTimeoutMs, idleTimeoutMs } = this.dataPlane();
    const backend: Socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
    backend.setTimeout(connectTimeoutMs);
    const failEarly = (code: ResetCode, reason: string): void => {
      backend.destroy();
      this.refuse(key, open, peer, stream, code, reason);
    };
    backend.once('timeout', () =>
      failEarly(
        ResetCode.ConnectTimeout,
        `backend ${target.to} did not answer in ${connectTimeoutMs} ms`,
      ),
    );
    backend.once('error', (err) =>
      failEarly(ResetCode.BackendUnreachable, `backend ${target.to}: ${err.message}`),
    );
    backend.once('connect', () => {
      backend.removeAllListeners('timeout');
      backend.removeAllListeners('error');
      backend.setTimeout(0);
      const ticket = this.recorder.started(open.service, open.namespace, {
        destination: this.lsdb.self,
        previousHop: peer,
      });
      bridgeFlow(backend, stream, {
        idleTimeoutMs,
        onDone: (outcome) => this.done(key, ticket, peer, outcome),
      });
    });
  }

  /** Transit: open the next hop's stream at once (still no round trip) and splice the two. */
  private forward(peer: string, stream: MuxStream, open: OpenRequest & { site: string }): void {
    const ttl = open.ttl ?? DEFAULT_TTL;
    const route = this.lsdb.route(open.site);
    const session =
      route === undefined ? undefined : this.mesh.peers.get(route.nextHop)?.pickSession();
    if (ttl <= 0 || session === undefined) {
      stream.reset(ResetCode.NoRoute);
      this.transit.refused(open.service, open.namespace, ttl <= 0 ? 'ttl-expired' : 'no-route', {
        destination: open.site,
        previousHop: peer,
      });
      this.logger.warn(
        { service: serviceKey(open.service, open.namespace), peer, to: open.site, ttl },
        'transit flow refused: no route',
      );
      return;
    }
    const ticket = this.transit.started(open.service, open.namespace, {
      destination: open.site,
      nextHop: route?.nextHop,
      previousHop: peer,
    });
    const next = session.openStream(encodeOpenRequest({ ...open, ttl: ttl - 1 }));
    spliceStreams(stream, next, (outcome) => this.transit.finished(ticket, outcome));
  }

  /** The exporting site decides: a flow its policy does not admit is reset, counted and logged. */
  private admits(
    rules: readonly AccessRule[],
    open: OpenRequest,
    peer: string,
    stream: MuxStream,
  ): boolean {
    const claimed = open.source;
    // One hop: the TLS peer is the source. Past one, only the source site's signature proves it.
    const proven =
      claimed !== undefined &&
      (claimed.site === peer ||
        verifyOpenSource(open, claimed, this.lsdb.get(claimed.site)?.endpoints?.certificate));
    const request = proven
      ? {
          site: claimed.site,
          ...(claimed.address === undefined ? {} : { address: claimed.address }),
        }
      : { site: peer };
    const decision =
      claimed !== undefined && !proven
        ? ({ allowed: false, reason: 'source-unverified' } as const)
        : decideAccess(rules, request);
    if (decision.allowed) return true;
    stream.reset(ResetCode.Refused);
    this.recorder.refused(open.service, open.namespace, `denied:${decision.reason}`, {
      source: request.site,
      destination: this.lsdb.self,
      previousHop: peer,
    });
    this.logger.warn(
      {
        service: serviceKey(open.service, open.namespace),
        peer,
        sourceSite: request.site,
        sourceAddress: request.address,
        reason: decision.reason,
      },
      'flow denied by the access policy',
    );
    return false;
  }

  private refuse(
    key: string,
    open: { service: string; namespace: string },
    peer: string,
    stream: MuxStream,
    code: ResetCode,
    reason: string,
  ): void {
    stream.reset(code);
    this.recorder.refused(open.service, open.namespace, resetCodeName(code), {
      destination: this.lsdb.self,
      previousHop: peer,
    });
    this.logger.warn({ service: key, peer, reason }, 'flow refused');
  }

  private done(key: string, ticket: FlowTicket, peer: string, outcome: FlowOutcome): void {
    this.recorder.finished(ticket, outcome);
    if (outcome.kind === 'reset')
      this.logger.debug(
        { service: key, peer, by: outcome.by, code: resetCodeName(outcome.code) },
        'flow reset',
      );
  }
}
