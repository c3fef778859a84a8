import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  FRAME_HEADER_BYTES,
  FrameType,
  MAX_CONTROL_PAYLOAD,
  MAX_DATA_PAYLOAD,
  frameTypeName,
  isFrameType,
} from './frame.js';

/** Receives decoded frames. DATA arrives in pieces as bytes come in, so it is never reassembled. */
export interface FrameSink {
  /** A whole non-DATA frame. */
  frame(type: FrameType, stream: number, payload: Buffer): void;
  /** A piece of a DATA frame's payload (a frame may be delivered in several pieces). */
  data(stream: number, chunk: Buffer): void;
}

/**
 * Incremental link-frame parser. Feed it whatever the socket gives; it calls the sink in order.
 * Throws CausewayError (CW_FRAME_MALFORMED / CW_FRAME_TOO_LARGE) on hostile input; the caller
 * then drops the connection, so no state needs to survive a throw.
 */
export class FrameDecoder {
  private readonly sink: FrameSink;
  /** Bytes of a header or control payload still incomplete. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The frame being read, once its header is complete. */
  private current: { type: FrameType; stream: number; remaining: number } | undefined;

  constructor(sink: FrameSink) {
    this.sink = sink;
  }

  /** Parses as much of `chunk` as possible. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      offset =
        this.current === undefined
          ? this.readHeader(chunk, offset)
          : this.readPayload(chunk, offset);
    }
  }

  private readHeader(chunk: Buffer, offset: number): number {
    const need = FRAME_HEADER_BYTES - this.partialBytes;
    const take = Math.min(need, chunk.length - offset);
    this.collect(chunk.subarray(offset, offset + take));
    if (this.partialBytes < FRAME_HEADER_BYTES) return offset + take;
    const header = this.drainPartial();
    this.startFrame(header.readUInt8(0), header.readUInt32BE(1), header.readUInt32BE(5));
    return offset + take;
  }

  private startFrame(type: number, stream: number, length: number): void {
    if (!isFrameType(type)) {
      throw new CausewayError(ErrorCode.FrameMalformed, `unknown frame type ${type}`);
    }
    const limit = type === FrameType.Data ? MAX_DATA_PAYLOAD : MAX_CONTROL_PAYLOAD;
    if (length > limit) {
      throw new CausewayError(
        ErrorCode.FrameTooLarge,
        `${frameTypeName(type)} frame of ${length} bytes exceeds the limit of ${limit}`,
      );
    }
    const connectionLevel =
      type === FrameType.Ping ||
      type === FrameType.Pong ||
      type === FrameType.Hello ||
      type === FrameType.Control ||
      type === FrameType.GoAway;
    if (connectionLevel !== (stream === 0)) {
      throw new CausewayError(
        ErrorCode.FrameMalformed,
        `${frameTypeName(type)} frame on stream ${stream}`,
      );
    }
    this.current = { type, stream, remaining: length };
    if (length === 0) this.finishEmpty();
  }

  private finishEmpty(): void {
    const frame = this.current;
    if (frame === undefined) return;
    this.current = undefined;
    if (frame.type !== FrameType.Data) this.sink.frame(frame.type, frame.stream, Buffer.alloc(0));
  }

  private readPayload(chunk: Buffer, offset: number): number {
    const frame = this.current;
    if (frame === undefined) return offset;
    const take = Math.min(frame.remaining, chunk.length - offset);
    const piece = chunk.subarray(offset, offset + take);
    frame.remaining -= take;
    if (frame.type === FrameType.Data) {
      if (frame.remaining === 0) this.current = undefined;
      this.sink.data(frame.stream, piece);
      return offset + take;
    }
    this.collect(piece);
    if (frame.remaining === 0) {
      this.current = undefined;
      this.sink.frame(frame.type, frame.stream, this.drainPartial());
    }
    return offset + take;
  }

  private collect(piece: Buffer): void {
    if (piece.length === 0) return;
    this.partial.push(piece);
    this.partialBytes += piece.length;
  }

  private drainPartial(): Buffer {
    const whole =
      this.partial.length === 1
        ? (this.partial[0] as Buffer)
        : Buffer.concat(this.partial, this.partialBytes);
    this.partial = [];
    this.partialBytes = 0;
    return whole;
  }
}
