/**
 * Link frames. Every link connection carries a sequence of frames:
 *
 *   type u8 | stream u32 (big-endian) | length u32 (big-endian) | payload
 *
 * Stream 0 is the connection itself (HELLO, PING, PONG, CONTROL, GOAWAY); other streams are flows.
 * The dialing side numbers its flows odd, the accepting side even, so both can open flows at once
 * without agreeing first (the same trick as HTTP/2, RFC 9113 §5.1.1).
 */
export const FrameType = {
  Data: 0,
  Open: 1,
  Fin: 2,
  Reset: 3,
  Window: 4,
  Ping: 5,
  Pong: 6,
  Hello: 7,
  Control: 8,
  GoAway: 9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_HEADER_BYTES = 9;
/** A control frame larger than this is a protocol error; DATA may be larger since it streams. */
export const MAX_CONTROL_PAYLOAD = 1 << 20;
/** DATA frames are capped too, so a hostile length cannot make a peer wait forever for a frame end. */
export const MAX_DATA_PAYLOAD = 1 << 20;

const TYPE_NAMES = Object.fromEntries(Object.entries(FrameType).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

/** True when `t` is a frame type this version understands. */
export function isFrameType(t: number): t is FrameType {
  return TYPE_NAMES[t] !== undefined;
}

/** Human name of a frame type, for logs. */
export function frameTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `unknown(${t})`;
}

/** Builds the 9-byte header; the payload is written separately so DATA is never copied. */
export function encodeFrameHeader(type: FrameType, stream: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(stream >>> 0, 1);
  header.writeUInt32BE(length >>> 0, 5);
  return header;
}

/** Header and payload in one buffer; for small frames where one allocation beats two writes. */
export function encodeFrame(type: FrameType, stream: number, payload: Buffer = EMPTY): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt8(type, 0);
  frame.writeUInt32BE(stream >>> 0, 1);
  frame.writeUInt32BE(payload.length, 5);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export const EMPTY = Buffer.alloc(0);
