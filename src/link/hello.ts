import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { decodeJsonPayload } from '../transport/index.js';

/** Link protocol version. A different major is refused; a newer minor is accepted (additive changes only). */
export const PROTOCOL = { name: 'causeway-link', major: 1, minor: 0 } as const;

const Hello = z
  .strictObject({
    protocol: z.literal(PROTOCOL.name),
    major: z.number().int().min(0),
    minor: z.number().int().min(0),
    site: z.string().min(1).max(253),
    zone: z.string().max(63),
    region: z.string().max(63),
    /** Start time of the peer's router, so state from a restarted peer is never mistaken for old. */
    epoch: z.number().int().min(0),
  })
  .loose();
export type Hello = z.infer<typeof Hello>;

export function encodeHello(
  site: { id: string; zone: string; region: string },
  epoch: number,
): Buffer {
  const hello: Hello = {
    protocol: PROTOCOL.name,
    major: PROTOCOL.major,
    minor: PROTOCOL.minor,
    site: site.id,
    zone: site.zone,
    region: site.region,
    epoch,
  };
  return Buffer.from(JSON.stringify(hello));
}

/** Validates a peer's HELLO; throws CW_PROTOCOL_VERSION for an incompatible major version. */
export function decodeHello(payload: Buffer): Hello {
  const hello = decodeJsonPayload(payload, Hello, 'HELLO');
  if (hello.major !== PROTOCOL.major) {
    throw new CausewayError(
      ErrorCode.ProtocolVersion,
      `peer speaks ${PROTOCOL.name} ${hello.major}.${hello.minor}, this router speaks ${PROTOCOL.major}.${PROTOCOL.minor}`,
      { hint: 'run the same major version of causeway on both sites' },
    );
  }
  return hello;
}
