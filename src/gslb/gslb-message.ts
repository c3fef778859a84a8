import dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';
import {
  CLASSIC_UDP_PAYLOAD,
  decodeQuery,
  encodeForTcp,
  encodeForUdp,
  Rcode,
  udpPayloadLimit,
  type EncodedResponse,
} from '../dns/index.js';
import { answerGslbQuery, type GslbAnswer } from './answer-gslb-query.js';
import type { GslbView } from './gslb-view.js';

export type GslbTransport = 'udp' | 'tcp';

/** The bytes to send back and what they say, for metrics; `error` is an unexpected failure behind a SERVFAIL. */
export interface GslbMessageAnswer extends EncodedResponse {
  rcode: Rcode;
  answer?: GslbAnswer;
  error?: unknown;
}

/**
 * Turns received bytes into the bytes to send back, or undefined when the message gets no answer.
 * Never throws: hostile bytes end as FORMERR or silence, an unexpected failure as SERVFAIL.
 */
export function answerGslbMessage(
  bytes: Buffer,
  transport: GslbTransport,
  resolverAddress: string,
  view: GslbView,
): GslbMessageAnswer | undefined {
  const decoded = decodeQuery(bytes);
  switch (decoded.kind) {
    case 'ignored':
      return undefined;
    case 'malformed':
      return {
        ...encodeFor(
          transport,
          bare(decoded.id, decoded.flags, Rcode.FormErr),
          CLASSIC_UDP_PAYLOAD,
        ),
        rcode: Rcode.FormErr,
      };
    case 'query':
      try {
        const answer = answerGslbQuery(decoded.packet, resolverAddress, view);
        return {
          ...encodeFor(transport, answer.response, udpPayloadLimit(decoded.packet)),
          rcode: rcodeOf(answer.response),
          answer,
        };
      } catch (error) {
        return {
          ...encodeFor(
            transport,
            bare(decoded.packet.id ?? 0, decoded.packet.flags ?? 0, Rcode.ServFail),
            CLASSIC_UDP_PAYLOAD,
          ),
          rcode: Rcode.ServFail,
          error,
        };
      }
  }
}

function encodeFor(transport: GslbTransport, response: Packet, udpLimit: number): EncodedResponse {
  return transport === 'udp' ? encodeForUdp(response, udpLimit) : encodeForTcp(response);
}

function bare(id: number, queryFlags: number, rcode: Rcode): Packet {
  return {
    type: 'response',
    id,
    flags: (queryFlags & (0x7800 | dnsPacket.RECURSION_DESIRED)) | rcode,
  };
}

function rcodeOf(response: Packet): Rcode {
  const opt = response.additionals?.find((a) => a.type === 'OPT');
  const extended = opt?.type === 'OPT' ? opt.extendedRcode << 4 : 0;
  return (extended | ((response.flags ?? 0) & 0xf)) as Rcode;
}
