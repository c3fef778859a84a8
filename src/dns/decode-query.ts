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
    const packet = dnsPacket.decode(bytes);
    // dns-packet reads label bytes as UTF-8 and writes them back with lengths it gets wrong for
    // some non-ASCII text: the answer's echoed question would not decode. Every name this server
    // knows is ASCII, so such a query is answered FORMERR, as one it could not read faithfully.
    if (!(packet.questions ?? []).every((q) => writableName(q.name)))
      return { kind: 'malformed', id: header.id ?? 0, flags: header.flags ?? 0 };
    return { kind: 'query', packet };
  } catch {
    // dns-packet throws plain Errors for every malformation; the FORMERR we answer is the report.
    return { kind: 'malformed', id: header.id ?? 0, flags: header.flags ?? 0 };
  }
}

/** A name dns-packet writes back as it came: ASCII, every label 1-63 bytes, at most 255 bytes on the wire. */
function writableName(name: string): boolean {
  if (name === '' || name === '.') return true;
  // eslint-disable-next-line no-control-regex -- the range is the point: anything outside ASCII.
  if (/[^\x00-\x7f]/.test(name)) return false;
  let wire = 1;
  for (const label of name.replace(/\.$/, '').split('.')) {
    const length = Buffer.byteLength(label);
    if (length < 1 || length > 63) return false;
    wire += length + 1;
  }
  return wire <= 255;
}
