import { connect, type Socket } from 'node:net';
import type { SiteConfig } from '../config/index.js';
import { parseHostPort } from '../config/index.js';
import type { FlowRecorder, Logger } from '../observability/index.js';
import { decodeOpenRequest, serviceKey, type ServiceCatalog } from '../services/index.js';
import { ResetCode, bridgeFlow, resetCodeName, type FlowOutcome, type MuxStream } from '../transport/index.js';

/** Flows arriving over links for this site's exports: connect the backend, then bridge. */
export class FlowEgress {
  constructor(
    private readonly catalog: ServiceCatalog,
    private readonly dataPlane: () => SiteConfig['dataPlane'],
    private readonly recorder: FlowRecorder,
    private readonly logger: Logger,
  ) {}

  accept(peer: string, stream: MuxStream, openPayload: Buffer): void {
    let open;
    try {
      open = decodeOpenRequest(openPayload);
    } catch (err) {
      this.logger.warn({ peer, error: (err as Error).message }, 'flow refused: bad OPEN');
      stream.reset(ResetCode.ProtocolError);
      return;
    }
    const key = serviceKey(open.service, open.namespace);
    const target = this.catalog.localExport(open.service, open.namespace, open.port);
    if (target === undefined) {
      this.refuse(key, open, peer, stream, ResetCode.NoRoute, 'not exported here');
      return;
    }
    const { host, port } = parseHostPort(target.to, 'exports.to');
    const { connectTimeoutMs, idleTimeoutMs } = this.dataPlane();
    const backend: Socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
    backend.setTimeout(connectTimeoutMs);
    const failEarly = (code: ResetCode, reason: string): void => {
      backend.destroy();
      this.refuse(key, open, peer, stream, code, reason);
    };
    backend.once('timeout', () => failEarly(ResetCode.ConnectTimeout, `backend ${target.to} did not answer in ${connectTimeoutMs} ms`));
    backend.once('error', (err) => failEarly(ResetCode.BackendUnreachable, `backend ${target.to}: ${err.message}`));
    backend.once('connect', () => {
      backend.removeAllListeners('timeout');
      backend.removeAllListeners('error');
      backend.setTimeout(0);
      this.recorder.started(open.service, open.namespace);
      bridgeFlow(backend, stream, { idleTimeoutMs, onDone: (outcome) => this.done(key, open, peer, outcome) });
    });
  }

  private refuse(key: string, open: { service: string; namespace: string }, peer: string, stream: MuxStream, code: ResetCode, reason: string): void {
    stream.reset(code);
    this.recorder.refused(open.service, open.namespace, resetCodeName(code));
    this.logger.warn({ service: key, peer, reason }, 'flow refused');
  }

  private done(key: string, open: { service: string; namespace: string }, peer: string, outcome: FlowOutcome): void {
    this.recorder.finished(open.service, open.namespace, outcome);
    if (outcome.kind === 'reset') this.logger.debug({ service: key, peer, by: outcome.by, code: resetCodeName(outcome.code) }, 'flow reset');
  }
}
