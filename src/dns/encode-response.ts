import dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import { MAX_UDP_PAYLOAD } from './response-builder.js';

/** RFC 1035 §4.2.1: without EDNS a UDP message is at most 512 bytes. */
export const CLASSIC_UDP_PAYLOAD = 512;
/** The 2-byte length prefix of DNS over TCP (RFC 1035 §4.2.2) caps a message at 65535 bytes. */
export const MAX_TCP_MESSAGE = 0xffff;

export interface EncodedResponse {
  bytes: Buffer;
  truncated: boolean;
}

/** The UDP payload the client can take: 512 without EDNS, else what its OPT advertises, within [512, 1232]. */
export function udpPayloadLimit(query: Packet): number {
  const opt = query.additionals?.find((a) => a.type === 'OPT');
  if (opt === undefined || opt.type !== 'OPT') return CLASSIC_UDP_PAYLOAD;
  return Math.min(MAX_UDP_PAYLOAD, Math.max(CLASSIC_UDP_PAYLOAD, opt.udpPayloadSize));
}

/**
 * Encodes a response for UDP. Too big with the additional section, it goes without it (optional data,
 * RFC 2181 §9); still too big, it goes with TC set and no records so the client retries over TCP.
 * The OPT record always stays: RFC 6891 §7 wants it in truncated responses too.
 */
export function encodeForUdp(response: Packet, limit: number): EncodedResponse {
  const full = dnsPacket.encode(response);
  if (full.length <= limit) return { bytes: full, truncated: false };
  const opt = onlyOpt(response.additionals);
  const withoutAdditional = dnsPacket.encode({ ...response, additionals: opt });
  if (withoutAdditional.length <= limit) return { bytes: withoutAdditional, truncated: false };
  const flags = (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
  return {
    bytes: dnsPacket.encode({ ...response, flags, answers: [], authorities: [], additionals: opt }),
    truncated: true,
  };
}

/**
 * Encodes a response for TCP, where TC means nothing: past 64 KiB the additional section goes, then
 * the answers that do not fit (a subset is allowed for headless services, DNSSPEC §2.4.1).
 */
export function encodeForTcp(response: Packet): EncodedResponse {
  const full = dnsPacket.encode(response);
  if (full.length <= MAX_TCP_MESSAGE) return { bytes: full, truncated: false };
  const opt = onlyOpt(response.additionals);
  const answers: Answer[] = [];
  let size = dnsPacket.encodingLength({ ...response, answers, additionals: opt });
  for (const answer of response.answers ?? []) {
    // encodingLength of a packet holding only this record, minus the 12-byte header it adds.
    size += dnsPacket.encodingLength({ answers: [answer] }) - 12;
    if (size > MAX_TCP_MESSAGE) break;
    answers.push(answer);
  }
  return { bytes: dnsPacket.encode({ ...response, answers, additionals: opt }), truncated: true };
}

function onlyOpt(additionals: Answer[] | undefined): Answer[] {
  return (additionals ?? []).filter((a) => a.type === 'OPT');
}
