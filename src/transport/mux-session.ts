import type { Socket } from 'node:net';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { systemRuntime, type Runtime, type Timer } from '../runtime/index.js';
import { DelayLine } from './delay-line.js';
import { EMPTY, FrameType, encodeFrame, encodeFrameHeader } from './frame.js';
import { FrameDecoder } from './frame-decoder.js';
import { MuxStream, type StreamCarrier } from './mux-stream.js';
import { ResetCode } from './reset-code.js';

/** Which end of the link connection we are; decides stream-id parity. */
export type SessionRole = 'dialer' | 'acceptor';

export interface SessionOptions {
  role: SessionRole;
  /** How often to ping the peer; also the RTT sampling period. */
  pingIntervalMs: number;
  /** Silence longer than this means the peer is gone (loss detection). */
  deadAfterMs: number;
  /** Clock and timers of liveness; the process's unless a test drives them. */
  runtime?: Runtime;
}

/** Everything a session reports; the link layer above decides what it means. */
export interface SessionEvents {
  /** The peer opened a flow; `open` is the raw OPEN payload, to validate before use. */
  stream(stream: MuxStream, open: Buffer): void;
  hello(payload: Buffer): void;
  control(payload: Buffer): void;
  goAway(payload: Buffer): void;
  rtt(ms: number): void;
  closed(reason: CausewayError | Error | undefined): void;
}

export const DEFAULT_SESSION_TIMING = { pingIntervalMs: 200, deadAfterMs: 900 } as const;

/**
 * One link connection multiplexing many flows over a single TLS socket.
 * Opening a flow costs one OPEN frame written right before the flow's first bytes: no round trip.
 */
export class MuxSession implements StreamCarrier {
  private readonly socket: Socket;
  private readonly events: SessionEvents;
  private readonly options: SessionOptions;
  private readonly streams = new Map<number, MuxStream>();
  private readonly decoder: FrameDecoder;
  private nextStreamId: number;
  private lastInbound: number;
  private keepalive: Timer | undefined;
  private readonly runtime: Runtime;
  private closedReason: Error | undefined;
  private isClosed = false;
  /** Smoothed round-trip time in milliseconds, undefined until the first PONG. */
  rttMs: number | undefined;
  /** Draws the delay of each inbound chunk while a drill slows this link; unset, bytes go straight in. */
  private inboundDelay: (() => number) | undefined;
  private delayLine: DelayLine | undefined;

  constructor(socket: Socket, options: SessionOptions, events: SessionEvents) {
    this.socket = socket;
    this.options = options;
    this.events = events;
    this.runtime = options.runtime ?? systemRuntime;
    this.lastInbound = this.runtime.now();
    this.nextStreamId = options.role === 'dialer' ? 1 : 2;
    this.decoder = new FrameDecoder({
      frame: (type, stream, payload) => this.onFrame(type, stream, payload),
      data: (stream, chunk) => this.streams.get(stream)?.receiveData(chunk),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onArrival(chunk));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(this.closedReason));
    socket.on('end', () =>
      this.close(new CausewayError(ErrorCode.LinkUnknown, 'peer closed the link connection')),
    );
    this.keepalive = this.runtime.every(options.pingIntervalMs, () => this.tick()).unref();
  }

  get streamCount(): number {
    return this.streams.size;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Bytes written to the link socket and not yet handed to the kernel: what a lossy sender checks before queueing more. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Opens a flow to the peer; `open` is sent at once and the caller may write data immediately. */
  openStream(open: Buffer): MuxStream {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new MuxStream(id, this);
    this.streams.set(id, stream);
    this.write(encodeFrame(FrameType.Open, id, open));
    return stream;
  }

  /**
   * Delays every inbound chunk by what `draw` returns (ms), in arrival order, until called with
   * undefined; chunks already held still arrive after their delay, so order is never broken.
   */
  delayInbound(draw: (() => number) | undefined): void {
    this.inboundDelay = draw;
    if (draw !== undefined) this.delayLine ??= new DelayLine(this.runtime, (c) => this.onBytes(c));
  }

  sendHello(payload: Buffer): void {
    this.write(encodeFrame(FrameType.Hello, 0, payload));
  }

  sendControl(payload: Buffer): void {
    this.write(encodeFrame(FrameType.Control, 0, payload));
  }

  /** Tells the peer why we are leaving, then closes. */
  goAway(payload: Buffer, reason: Error): void {
    this.write(encodeFrame(FrameType.GoAway, 0, payload));
    this.closedReason = reason;
    this.socket.end();
    this.runtime.after(200, () => this.close(reason)).unref();
  }

  /** Ends the session; every flow on it is reset with LinkLost. */
  close(reason?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.keepalive?.cancel();
    this.delayLine?.clear();
    for (const stream of this.streams.values()) stream.abort(ResetCode.LinkLost);
    this.streams.clear();
    this.socket.destroy();
    this.events.closed(reason);
  }

  // ---- StreamCarrier ----

  sendData(stream: number, chunk: Buffer): void {
    if (this.isClosed) return;
    // cork/uncork hands header and payload to one writev: the payload is never copied.
    this.socket.cork();
    this.socket.write(encodeFrameHeader(FrameType.Data, stream, chunk.length));
    this.socket.write(chunk);
    this.socket.uncork();
  }

  sendFin(stream: number): void {
    this.write(encodeFrame(FrameType.Fin, stream));
  }

  sendReset(stream: number, code: ResetCode): void {
    this.write(encodeFrame(FrameType.Reset, stream, Buffer.from([code])));
  }

  sendWindow(stream: number, credit: number): void {
    const payload = Buffer.allocUnsafe(4);
    payload.writeUInt32BE(credit, 0);
    this.write(encodeFrame(FrameType.Window, stream, payload));
  }

  forget(stream: number): void {
    this.streams.delete(stream);
  }

  // ---- inbound ----

  private onArrival(chunk: Buffer): void {
    const line = this.delayLine;
    const delay = this.inboundDelay?.() ?? 0;
    // Undelayed with nothing held: straight in, since even a 0 ms timer costs a millisecond.
    if (line === undefined || (delay <= 0 && !line.holding)) return this.onBytes(chunk);
    line.push(chunk, delay);
  }

  private onBytes(chunk: Buffer): void {
    this.lastInbound = this.runtime.now();
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.close(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onFrame(type: FrameType, id: number, payload: Buffer): void {
    switch (type) {
      case FrameType.Open:
        return this.onOpen(id, payload);
      case FrameType.Fin:
        return this.streams.get(id)?.receiveFin();
      case FrameType.Reset:
        return this.streams
          .get(id)
          ?.receiveReset(payload.length > 0 ? (payload[0] as number) : ResetCode.Cancelled);
      case FrameType.Window:
        if (payload.length !== 4)
          throw new CausewayError(ErrorCode.FrameMalformed, 'WINDOW frame payload must be 4 bytes');
        return this.streams.get(id)?.receiveWindow(payload.readUInt32BE(0));
      case FrameType.Ping:
        return this.write(encodeFrame(FrameType.Pong, 0, payload));
      case FrameType.Pong:
        return this.onPong(payload);
      case FrameType.Hello:
        return this.events.hello(payload);
      case FrameType.Control:
        return this.events.control(payload);
      case FrameType.GoAway:
        return this.events.goAway(payload);
      case FrameType.Data:
        return; // DATA goes through the decoder's data path
    }
  }

  private onOpen(id: number, payload: Buffer): void {
    const peerParity = this.options.role === 'dialer' ? 0 : 1;
    if (id % 2 !== peerParity || this.streams.has(id)) {
      throw new CausewayError(
        ErrorCode.FrameMalformed,
        `peer opened stream ${id} with the wrong parity or twice`,
      );
    }
    const stream = new MuxStream(id, this);
    this.streams.set(id, stream);
    this.events.stream(stream, payload);
  }

  private onPong(payload: Buffer): void {
    if (payload.length !== 8) return;
    const sent = payload.readDoubleBE(0);
    const sample = performance.now() - sent;
    if (sample < 0 || !Number.isFinite(sample)) return;
    this.rttMs = this.rttMs === undefined ? sample : this.rttMs * 0.8 + sample * 0.2;
    this.events.rtt(this.rttMs);
  }

  private tick(): void {
    if (this.runtime.now() - this.lastInbound > this.options.deadAfterMs) {
      this.close(
        new CausewayError(
          ErrorCode.Timeout,
          `no traffic from peer for ${this.options.deadAfterMs} ms`,
        ),
      );
      return;
    }
    const payload = Buffer.allocUnsafe(8);
    payload.writeDoubleBE(performance.now(), 0);
    this.write(encodeFrame(FrameType.Ping, 0, payload));
  }

  private write(frame: Buffer): void {
    if (this.isClosed || this.socket.destroyed) return;
    this.socket.write(frame);
  }
}

export { EMPTY };
