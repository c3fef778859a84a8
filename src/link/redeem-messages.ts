import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { FrameDecoder, FrameType, decodeJsonPayload, encodeFrame } from '../transport/index.js';
import type { TLSSocket } from 'node:tls';

/** What a joining site sends: the token's id and secret, who it is, and the public key to certify. */
export const RedeemRequest = z.strictObject({
  type: z.literal('redeem'),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  secret: z.string().min(1).max(128),
  site: z.strictObject({
    id: z.string().min(1).max(253),
    zone: z.string().max(63),
    region: z.string().max(63),
  }),
  publicKeyPem: z.string().min(1).max(8192),
  /** Trust domain the joining site belongs to now (its own unused one, before it first joins). */
  memberOf: z.string().min(1).max(253),
});
export type RedeemRequest = z.infer<typeof RedeemRequest>;

export const RedeemResponse = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    trustDomain: z.string().min(1).max(253),
    issuerSite: z.string().min(1).max(253),
    caPem: z.string().min(1).max(16384),
    /** Absent when the issuing site holds no CA key and the redeemer already belongs to the clusterset. */
    certPem: z.string().min(1).max(16384).optional(),
  }),
  z.strictObject({ ok: z.literal(false), code: z.string().max(64), message: z.string().max(1024) }),
]);
export type RedeemResponse = z.infer<typeof RedeemResponse>;

const MAX_MESSAGE = 64 * 1024;

/** Sends one JSON message as a CONTROL frame. */
export function sendMessage(socket: TLSSocket, message: RedeemRequest | RedeemResponse): void {
  socket.write(encodeFrame(FrameType.Control, 0, Buffer.from(JSON.stringify(message))));
}

/** Reads exactly one CONTROL frame from the socket and validates it; hostile input becomes a CausewayError. */
export function readMessage<T>(
  socket: TLSSocket,
  schema: z.ZodType<T>,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      if (err !== undefined) reject(err);
      else resolve(value as T);
    };
    let received = 0;
    const decoder = new FrameDecoder({
      frame: (type, _stream, payload) => {
        if (type !== FrameType.Control)
          return settle(new CausewayError(ErrorCode.FrameMalformed, 'expected a CONTROL frame'));
        settle(undefined, decodeJsonPayload(payload, schema, 'redemption message'));
      },
      data: () =>
        settle(new CausewayError(ErrorCode.FrameMalformed, 'unexpected DATA during redemption')),
    });
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > MAX_MESSAGE)
        return settle(new CausewayError(ErrorCode.FrameTooLarge, 'redemption message too large'));
      try {
        decoder.push(chunk);
      } catch (err) {
        settle(err as Error);
      }
    };
    const timer = setTimeout(
      () => settle(new CausewayError(ErrorCode.Timeout, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.once('close', () =>
      settle(new CausewayError(ErrorCode.LinkRedeemFailed, 'connection closed during redemption')),
    );
    socket.once('error', (err: Error) => settle(err));
  });
}
