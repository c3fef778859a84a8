/** DNS over TCP prefixes every message with its length in two bytes (RFC 1035 §4.2.2, RFC 7766 §8). */
const LENGTH_BYTES = 2;

/** Splits a TCP byte stream into DNS messages; holds at most one partial message (under 64 KiB). */
export class TcpFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes and returns the messages they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= LENGTH_BYTES) {
      const length = this.pending.readUInt16BE(offset);
      if (this.pending.length - offset - LENGTH_BYTES < length) break;
      messages.push(this.pending.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length));
      offset += LENGTH_BYTES + length;
    }
    // Copy the remainder so a long-lived connection does not pin the large buffers it came from.
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return messages;
  }
}

/** Prefixes a message with its 2-byte length for TCP; callers keep messages under 64 KiB. */
export function encodeTcpFrame(message: Buffer): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}
