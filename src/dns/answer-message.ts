import dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';
import type { AnswerOptions } from './answer-options.js';
import { answerQuery } from './answer-query.js';
import { decodeQuery } from './decode-query.js';
import type { DnsView } from './dns-view.js';
import {
  CLASSIC_UDP_PAYLOAD,
  encodeForTcp,
  encodeForUdp,
  udpPayloadLimit,
  type EncodedResponse,
} from './encode-response.js';
import { Rcode } from './rcode.js';
import { wireForm } from '../errors/index.js';

export type DnsTransport = 'udp' | 'tcp';

/** The bytes to send back, what they say, and the unexpected error behind a SERVFAIL, for the edge to log. */
export interface MessageAnswer extends EncodedResponse {
  rcode: Rcode;
  error?: unknown;
}

/**
 * Turns received bytes into the bytes to send back, or undefined when the message gets no answer.
 * Never throws: hostile bytes end as FORMERR or silence, a failing view as SERVFAIL.
 */
export function answerMessage(
  bytes: Buffer,
  transport: DnsTransport,
  view: DnsView,
  options: AnswerOptions,
): MessageAnswer | undefined {
  const decoded = decodeQuery(bytes);
  switch (decoded.kind) {
    case 'ignored':
      return undefined;
    case 'malformed':
      return {
        ...encodeFor(
          transport,
          bareResponse(decoded.id, decoded.flags, Rcode.FormErr),
          CLASSIC_UDP_PAYLOAD,
        ),
        rcode: Rcode.FormErr,
      };
    case 'query': {
      const query = decoded.packet;
      try {
        const response = answerQuery(query, view, options);
        return {
          ...encodeFor(transport, response, udpPayloadLimit(query)),
          rcode: responseRcode(response),
        };
      } catch (error) {
        // A typed error answers with its own rcode from the errors' wire table; anything else is SERVFAIL.
        // A header-only answer carries 4 bits of rcode, so extended ones (BADVERS) fall back too.
        const wire = wireForm(error).rcode;
        const rcode: Rcode = wire !== undefined && wire < 16 ? wire : Rcode.ServFail;
        const failure = bareResponse(query.id ?? 0, query.flags ?? 0, rcode);
        return { ...encodeFor(transport, failure, CLASSIC_UDP_PAYLOAD), rcode, error };
      }
    }
  }
}

function encodeFor(transport: DnsTransport, response: Packet, udpLimit: number): EncodedResponse {
  return transport === 'udp' ? encodeForUdp(response, udpLimit) : encodeForTcp(response);
}

/** A header-only response echoing the id, opcode and RD bit: all we can say about a message we could not use. */
function bareResponse(id: number, queryFlags: number, rcode: Rcode): Packet {
  const opcodeAndRd = queryFlags & (0x7800 | dnsPacket.RECURSION_DESIRED);
  return { type: 'response', id, flags: opcodeAndRd | rcode };
}

function responseRcode(response: Packet): Rcode {
  const opt = response.additionals?.find((a) => a.type === 'OPT');
  const extended = opt?.type === 'OPT' ? opt.extendedRcode << 4 : 0;
  return (extended | ((response.flags ?? 0) & 0xf)) as Rcode;
}
