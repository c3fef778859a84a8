import { z } from 'zod';
import { decodeJsonPayload } from '../transport/index.js';

/** The OPEN frame's payload: which service and port a new flow wants at the far site. */
const OpenRequestSchema = z.strictObject({
  service: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  port: z.number().int().min(1).max(65535),
  /** Destination site; a transit router forwards the flow towards it. Absent: the receiving site. */
  site: z.string().min(1).max(253).optional(),
  /** Endpoint hostname of a headless service at the destination site. */
  endpoint: z.string().min(1).max(63).optional(),
  /** Hops left; a transit router refuses the flow at 0, so a routing loop cannot spin forever. */
  ttl: z.number().int().min(0).max(64).optional(),
  /**
   * Where the flow comes from, for the exporter's access policy: the importing site and its
   * client's address. Sent only to exporters that advertise a policy (older ones refuse unknown
   * fields). Past one hop it is signed by the importing site, so a transit site cannot claim it.
   */
  source: z
    .strictObject({
      site: z.string().min(1).max(253),
      address: z.string().max(45).optional(),
      signature: z.string().max(256).optional(),
    })
    .optional(),
  /** `UDP`: the stream carries length-prefixed datagrams to the port's UDP backend; absent: TCP. */
  protocol: z.literal('UDP').optional(),
});
export type OpenRequest = z.infer<typeof OpenRequestSchema>;

export function encodeOpenRequest(open: OpenRequest): Buffer {
  return Buffer.from(JSON.stringify(open));
}

/** Validates a peer's OPEN payload; anything else is CW_FRAME_MALFORMED and the flow is refused. */
export function decodeOpenRequest(payload: Buffer): OpenRequest {
  return decodeJsonPayload(payload, OpenRequestSchema, 'OPEN payload');
}
