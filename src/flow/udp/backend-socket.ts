import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { UdpDropReason } from '../../observability/index.js';
import { ResetCode } from '../../transport/index.js';
import type { DatagramPath, PathEvents } from './datagram-path.js';

/** Bytes a backend socket may hold in user space before datagrams to it are dropped. */
const SEND_QUEUE_BYTES = 1 << 20;
/** Datagrams held while the socket connects (a name lookup at most); more are dropped. */
const CONNECTING_QUEUE = 64;

/**
 * A connected UDP socket to one backend, one per session so replies find their client by socket
 * (the backend sees one source port per client, as behind a NAT). Connected, the kernel turns an
 * ICMP port unreachable into ECONNREFUSED, which ends the path so the session can fail over.
 */
export class BackendSocket implements DatagramPath {
  private readonly socket: Socket;
  private waiting: Buffer[] | undefined = [];
  private done = false;

  constructor(
    host: string,
    port: number,
    private readonly events: PathEvents,
  ) {
    this.socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    this.socket.on('message', (payload) => events.datagram(payload));
    this.socket.on('error', (err: NodeJS.ErrnoException) =>
      this.end(err.code === 'ECONNREFUSED' ? ResetCode.BackendUnreachable : ResetCode.PeerReset),
    );
    this.socket.connect(port, host, () => {
      const waiting = this.waiting ?? [];
      this.waiting = undefined;
      for (const d of waiting) this.socket.send(d);
    });
  }

  send(payload: Buffer): UdpDropReason | undefined {
    if (this.done) return 'backend-queue';
    if (this.waiting !== undefined) {
      if (this.waiting.length >= CONNECTING_QUEUE) return 'backend-queue';
      this.waiting.push(Buffer.from(payload));
      return undefined;
    }
    if (this.socket.getSendQueueSize() > SEND_QUEUE_BYTES) return 'backend-queue';
    this.socket.send(payload);
    return undefined;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.socket.close();
  }

  private end(code: number): void {
    if (this.done) return;
    this.close();
    this.events.ended(code);
  }
}
