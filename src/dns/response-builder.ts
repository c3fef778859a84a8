import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';
import { isValidName, withoutTrailingDot } from './dns-name.js';
import type { Rcode } from './rcode.js';

/** The largest UDP payload we offer in our OPT record: the DNS Flag Day 2020 value that avoids fragmentation. */
export const MAX_UDP_PAYLOAD = 1232;

/** Accumulates header flags and sections; the rcode is set last so every early return states it. */
export class ResponseBuilder {
  protected flags: number;
  private questions: Question[] = [];
  private answers: Answer[] = [];
  private authorities: Answer[] = [];
  private additionals: Answer[] = [];
  protected opt: OptAnswer | undefined;

  constructor(
    private readonly id: number,
    opcode: number,
    recursionDesired: number,
  ) {
    this.flags = (opcode << 11) | recursionDesired;
  }

  /** Copies the question so the client can match the answer (case preserved, RFC 4343 §4). */
  echo(questions: Question[]): this {
    // Only names dns-packet can encode faithfully are echoed; others would corrupt the message.
    this.questions = questions.filter((q) => {
      const name = withoutTrailingDot(q.name);
      return name === '' || isValidName(name);
    });
    return this;
  }

  withOpt(): this {
    this.opt = {
      type: 'OPT',
      name: '.',
      udpPayloadSize: MAX_UDP_PAYLOAD,
      extendedRcode: 0,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    };
    return this;
  }

  /** Sets the EDNS options of the OPT record, when the answer carries one (RFC 6891 §6.1.2). */
  withOptions(options: OptAnswer['options']): this {
    if (this.opt !== undefined) this.opt = { ...this.opt, options };
    return this;
  }

  authoritative(): this {
    this.flags |= dnsPacket.AUTHORITATIVE_ANSWER;
    return this;
  }

  /** NXDOMAIN and NODATA both carry the zone SOA so resolvers can cache the negative answer (RFC 2308 §3). */
  negative(soa: Answer): this {
    this.authorities = [soa];
    return this;
  }

  positive(answers: Answer[], additionals: Answer[]): this {
    this.answers = answers;
    this.additionals = additionals;
    return this;
  }

  finish(rcode: Rcode): Packet {
    const additionals = [...this.additionals];
    // Extended rcodes keep their low 4 bits in the header and the rest in the OPT record (RFC 6891 §6.1.3).
    if (this.opt !== undefined) additionals.push({ ...this.opt, extendedRcode: rcode >> 4 });
    return {
      type: 'response',
      id: this.id,
      flags: this.flags | (rcode & 0xf),
      questions: this.questions,
      answers: this.answers,
      authorities: this.authorities,
      additionals,
    };
  }
}
