import { isIPv4, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question, RecordType } from 'dns-packet';
import { normalizeAnswerOptions, type AnswerOptions } from './answer-options.js';
import { isValidName, withoutTrailingDot } from './dns-name.js';
import type { DnsView } from './dns-view.js';
import { lookupRecords, type NameRecords } from './lookup-records.js';
import { parseQueryName } from './parse-query-name.js';
import { Rcode } from './rcode.js';
import { ResponseBuilder } from './response-builder.js';
import { zoneSoa } from './zone-soa.js';

const OPCODE_QUERY = 0;

/**
 * Builds the authoritative answer to one query for the clusterset zone and the site-targeted zone.
 * Pure: the only data it reads is `view`; it throws only if `view` throws (the caller answers SERVFAIL).
 */
export function answerQuery(
  query: Packet,
  view: DnsView,
  options: Partial<AnswerOptions> = {},
): Packet {
  const { zone, targetedSuffix, ttl } = normalizeAnswerOptions(options);
  const flags = query.flags ?? 0;
  const opcode = (flags >> 11) & 0xf;
  const questions = query.questions ?? [];
  const opts = (query.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  const response = new ResponseBuilder(query.id ?? 0, opcode, flags & dnsPacket.RECURSION_DESIRED);

  // RFC 6891 §6.1.1: more than one OPT is a format error; a response to an EDNS query carries an OPT.
  if (opts.length > 1 || query.type === 'response') return response.finish(Rcode.FormErr);
  const opt = opts[0];
  if (opt !== undefined) response.withOpt();
  if (opt !== undefined && opt.ednsVersion > 0) return response.finish(Rcode.BadVers);
  if (opcode !== OPCODE_QUERY) return response.echo(questions).finish(Rcode.NotImp);
  const question = questions[0];
  if (question === undefined || questions.length > 1) return response.finish(Rcode.FormErr);
  response.echo(questions);
  if (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY')
    return response.finish(Rcode.Refused);

  const sites = new Map([...view.sites()].map((site) => [site.toLowerCase(), site] as const));
  const zones = targetedSuffix === undefined ? { zone } : { zone, targetedSuffix };
  const name = parseQueryName(withoutTrailingDot(question.name).toLowerCase(), zones, sites);
  if (name.kind === 'outside') return response.finish(Rcode.Refused);
  // Zone transfers are not offered: the data is dynamic and every site builds its own.
  if (question.type === 'AXFR' || question.type === 'IXFR') return response.finish(Rcode.Refused);

  response.authoritative();
  const soa = zoneSoa(name.zone, ttl, soaSerial(view));
  const records = name.kind === 'nonexistent' ? undefined : lookupRecords(name, view, zones);
  if (records === undefined) return response.negative(soa).finish(Rcode.NxDomain);
  const answered = recordsFor(question, records, soa, ttl);
  if (answered.answers.length === 0) return response.negative(soa).finish(Rcode.NoError);
  return response.positive(answered.answers, answered.additionals).finish(Rcode.NoError);
}

/** The answer and additional records of one type at a name; ANY gets everything there is. */
function recordsFor(
  question: Question,
  records: NameRecords,
  soa: Answer,
  ttl: number,
): { answers: Answer[]; additionals: Answer[] } {
  const owner = withoutTrailingDot(question.name);
  // dns-packet's RecordType omits ANY (255), which it still decodes by that name.
  const qtype: string = question.type;
  const wants = (type: RecordType): boolean => qtype === type || qtype === 'ANY';
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  if (wants('A')) answers.push(...addressRecords(owner, records.addresses, 'A', ttl));
  if (wants('AAAA')) answers.push(...addressRecords(owner, records.addresses, 'AAAA', ttl));
  if (wants('TXT'))
    answers.push(
      ...records.txt.map((text): Answer => ({
        type: 'TXT',
        name: owner,
        ttl,
        class: 'IN',
        data: text,
      })),
    );
  if (wants('SOA') && records.soa) answers.push(soa);
  if (wants('SRV')) {
    const glued = new Set<string>();
    for (const srv of records.srv) {
      // A target the view made unencodable would corrupt the whole message; leave that record out.
      if (!isValidName(srv.target)) continue;
      answers.push({
        type: 'SRV',
        name: owner,
        ttl,
        class: 'IN',
        data: { priority: 0, weight: 100, port: srv.port, target: srv.target },
      });
      if (glued.has(srv.target.toLowerCase())) continue;
      glued.add(srv.target.toLowerCase());
      additionals.push(
        ...addressRecords(srv.target, srv.addresses, 'A', ttl),
        ...addressRecords(srv.target, srv.addresses, 'AAAA', ttl),
      );
    }
  }
  return { answers, additionals };
}

/** A or AAAA records for the addresses of that family; anything else the view holds is skipped, not encoded. */
function addressRecords(
  owner: string,
  addresses: string[],
  type: 'A' | 'AAAA',
  ttl: number,
): Answer[] {
  const ofFamily = type === 'A' ? isIPv4 : isIPv6;
  return addresses
    .filter((address) => ofFamily(address))
    .map((address) => ({ type, name: owner, ttl, class: 'IN', data: address }));
}

function soaSerial(view: DnsView): number {
  const version = view.version?.();
  // SOA serials are 32-bit sequence numbers (RFC 1982); wrapping is what they are designed for.
  return version === undefined || !Number.isFinite(version) ? 1 : Math.trunc(version) >>> 0;
}
