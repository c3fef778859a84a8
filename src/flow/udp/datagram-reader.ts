/**
 * Datagrams on a link stream keep their boundaries: each is written as a 2-byte big-endian
 * length and its payload. Two bytes suffice because no UDP payload exceeds 65,535 bytes (the
 * length field of the UDP header, RFC 768), and a zero-length datagram stays a datagram.
 */
export const DATAGRAM_HEADER_BYTES = 2;
/** The largest payload a length prefix can describe; larger datagrams cannot exist on UDP. */
export const MAX_DATAGRAM_BYTES = 0xffff;

/** A datagram as it travels on a link stream: its length, then its bytes. */
export function encodeDatagram(payload: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(DATAGRAM_HEADER_BYTES + payload.length);
  framed.writeUInt16BE(payload.length, 0);
  payload.copy(framed, DATAGRAM_HEADER_BYTES);
  return framed;
}

/**
 * Cuts a link stream's bytes back into datagrams, whatever pieces they arrive in. Holds at most
 * one incomplete datagram (65,537 bytes), so a peer cannot make it grow; every byte sequence is a
 * valid prefix of some datagram sequence, so nothing here can fail.
 */
export class DatagramReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Payload length of the datagram being read, once its two header bytes are in. */
  private expected: number | undefined;

  constructor(private readonly onDatagram: (payload: Buffer) => void) {}

  /** Bytes of a datagram still incomplete (its header included). */
  get buffered(): number {
    return this.pendingBytes + (this.expected === undefined ? 0 : DATAGRAM_HEADER_BYTES);
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) offset = this.take(chunk, offset);
  }

  private take(chunk: Buffer, offset: number): number {
    if (this.expected === undefined) {
      const need = DATAGRAM_HEADER_BYTES - this.pendingBytes;
      const end = Math.min(chunk.length, offset + need);
      this.collect(chunk.subarray(offset, end));
      if (this.pendingBytes === DATAGRAM_HEADER_BYTES) {
        this.expected = this.drain().readUInt16BE(0);
        if (this.expected === 0) this.emit(Buffer.alloc(0));
      }
      return end;
    }
    // A whole datagram inside this chunk goes out as a view, without a copy.
    const need = this.expected - this.pendingBytes;
    const end = Math.min(chunk.length, offset + need);
    this.collect(chunk.subarray(offset, end));
    if (this.pendingBytes === this.expected) this.emit(this.drain());
    return end;
  }

  private emit(payload: Buffer): void {
    this.expected = undefined;
    this.onDatagram(payload);
  }

  private collect(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private drain(): Buffer {
    const whole =
      this.pending.length === 1
        ? (this.pending[0] as Buffer)
        : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return whole;
  }
}
