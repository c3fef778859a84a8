import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';

const HEADER_BYTES = 12;

/** A received message: a query to answer, a query too broken to answer but worth a FORMERR, or nothing. */
export type DecodedQuery =
  | { kind: 'query'; packet: DecodedPacket }
  | { kind: 'malformed'; id: number; flags: number }
  | { kind: 'ignored' };

/**
 * Decodes a received message without ever throwing. Messages shorter than a header cannot be answered
 * (no id to echo); responses are never answered, so two servers cannot bounce errors at each other.
 */
export function decodeQuery(bytes: Buffer): DecodedQuery {
  if (bytes.length < HEADER_BYTES) return { kind: 'ignored' };
  // Decode the id and flags alone through dns-packet: a copy of the header with all counts zeroed.
  const headerOnly = Buffer.alloc(HEADER_BYTES);
  bytes.copy(headerOnly, 0, 0, 4);
  const header = dnsPacket.decode(headerOnly);
  if (header.type === 'response') return { kind: 'ignored' };
  try {
    return { kind: 'query', packet: dnsPacket.decode(bytes) };
  } catch {
    // dns-packet throws plain Errors for every malformation; the FORMERR we answer is the report.
    return { kind: 'malformed', id: header.id ?? 0, flags: header.flags ?? 0 };
  }
}
