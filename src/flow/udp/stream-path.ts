import type { UdpDropReason } from '../../observability/index.js';
import { ResetCode, type MuxStream } from '../../transport/index.js';
import type { DatagramPath, PathEvents } from './datagram-path.js';
import { DatagramReader, encodeDatagram } from './datagram-reader.js';

/**
 * Datagrams over one link stream, boundaries kept by a length prefix. The stream's credit bounds
 * what a session may have in flight, and `linkQueueBytes` what all sessions together may park in
 * front of the link's socket: past either a datagram is dropped, never queued, so a flood costs
 * drops and not memory (and TCP flows sharing the link keep their share).
 */
export class StreamPath implements DatagramPath {
  private blocked = false;
  private done = false;

  constructor(
    private readonly stream: MuxStream,
    private readonly linkQueueBytes: number,
    events: PathEvents,
  ) {
    const reader = new DatagramReader((d) => events.datagram(d));
    const end = (code: number): void => {
      if (this.done) return;
      this.done = true;
      events.ended(code);
    };
    stream.attach({
      data: (chunk) => {
        reader.push(chunk);
        // Datagrams leave at once (a drop is the only alternative), so credit goes straight back.
        stream.consumed(chunk.length);
      },
      end: () => {
        stream.end();
        end(ResetCode.Cancelled);
      },
      reset: (code) => end(code),
      writable: () => {
        this.blocked = false;
      },
    });
  }

  send(payload: Buffer): UdpDropReason | undefined {
    if (this.done || this.blocked) return 'session-queue';
    if (this.stream.linkBufferedBytes > this.linkQueueBytes) return 'link-queue';
    if (!this.stream.write(encodeDatagram(payload))) this.blocked = true;
    return undefined;
  }

  close(code: number): void {
    if (this.done) return;
    this.done = true;
    this.stream.reset(code as ResetCode);
  }
}
