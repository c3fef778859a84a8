import type { SiteConfig } from '../../config/index.js';
import { parseHostPort } from '../../config/index.js';
import type { FlowRecorder, Logger } from '../../observability/index.js';
import type { Runtime } from '../../runtime/index.js';
import { serviceKey, type OpenRequest, type ServiceDirectory } from '../../services/index.js';
import { ResetCode, resetCodeName, type MuxStream } from '../../transport/index.js';
import { BackendSocket } from './backend-socket.js';
import { IdleWatch } from './idle-watch.js';
import { StreamPath } from './stream-path.js';
import { countDrop } from './count-drop.js';
import { sessionIdleTimeout, type SessionTraffic } from './udp-timing.js';

/**
 * UDP sessions arriving over links for this site's UDP exports: each stream gets a connected
 * socket to the backend, datagrams cross unchanged both ways, and the session ends when the
 * importing side ends it, the backend refuses (ICMP), or it falls silent.
 */
export class UdpEgress {
  constructor(
    private readonly site: string,
    private readonly directory: ServiceDirectory,
    private readonly dataPlane: () => SiteConfig['dataPlane'],
    private readonly recorder: FlowRecorder,
    private readonly logger: Logger,
    private readonly runtime: Runtime,
  ) {}

  accept(peer: string, stream: MuxStream, open: OpenRequest): void {
    const key = serviceKey(open.service, open.namespace);
    const target = this.directory.localExport(
      open.service,
      open.namespace,
      open.port,
      open.endpoint,
      'UDP',
    );
    if (target === undefined) {
      stream.reset(ResetCode.NoRoute);
      this.recorder.refused(open.service, open.namespace, resetCodeName(ResetCode.NoRoute), {
        protocol: 'udp',
        destination: this.site,
        previousHop: peer,
      });
      this.logger.warn(
        { service: key, peer, port: open.port },
        'UDP session refused: not exported here',
      );
      return;
    }
    const { host, port } = parseHostPort(target.to, 'exports.to');
    const ticket = this.recorder.started(open.service, open.namespace, {
      protocol: 'udp',
      destination: this.site,
      previousHop: peer,
    });
    const traffic: SessionTraffic = { toBackend: 0, toClient: 0 };
    const bytes = { in: 0, out: 0 };
    let finished = false;
    const finish = (code: number | undefined): void => {
      if (finished) return;
      finished = true;
      idle.stop();
      backend.close();
      link?.close(code ?? ResetCode.IdleTimeout);
      this.recorder.finished(
        ticket,
        code === undefined || code === ResetCode.Cancelled
          ? { kind: 'closed', bytesIn: bytes.in, bytesOut: bytes.out }
          : { kind: 'reset', by: 'local', code, bytesIn: bytes.in, bytesOut: bytes.out },
      );
    };
    const drop = countDrop(this.site, 'egress', open.service, open.namespace);
    const idle = new IdleWatch(
      this.runtime,
      () => sessionIdleTimeout(traffic, this.dataPlane().udp),
      () => finish(undefined),
    );
    // Unset while the stream replays what came before attach: a reset then needs no reply.
    let link: StreamPath | undefined = undefined;
    const backend = new BackendSocket(host, port, {
      datagram: (d) => {
        idle.touch();
        traffic.toClient += 1;
        bytes.in += d.length;
        drop(link === undefined ? 'session-queue' : link.send(d));
      },
      ended: (code) => finish(code),
    });
    link = new StreamPath(stream, this.dataPlane().udp.linkQueueBytes, {
      datagram: (d) => {
        idle.touch();
        traffic.toBackend += 1;
        bytes.out += d.length;
        drop(backend.send(d));
      },
      ended: (code) => finish(code === ResetCode.IdleTimeout ? undefined : code),
    });
  }
}
