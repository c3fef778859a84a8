import { isIPv4, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';
import { isInZone, Rcode, ResponseBuilder, withoutTrailingDot } from '../dns/index.js';
import type { GslbClient } from './choose-targets.js';
import {
  ECS_OPTION_CODE,
  encodeClientSubnet,
  parseClientSubnet,
  type ClientSubnet,
} from './client-subnet.js';
import type { GslbRecord } from './gslb-config.js';
import type { GslbView } from './gslb-view.js';

const OPCODE_QUERY = 0;
/** The NS set changes only when the operator edits it; an hour is the usual delegation TTL. */
const NS_TTL = 3600;
/** Negative answers are cached this long (RFC 2308 §5: the SOA's TTL and MINIMUM, the lesser). */
export const NEGATIVE_TTL = 5;

/** The answer and what decided it, for the metrics (`reason` is the strategy's explanation). */
export interface GslbAnswer {
  response: Packet;
  record?: string;
  sites?: string[];
  reason: string;
}

/**
 * Builds the authoritative answer to one query for the GSLB zone. Pure: it reads only `query`, the
 * resolver's address and `view`. ECS (RFC 7871) is the client when present, else the resolver.
 */
export function answerGslbQuery(
  query: Packet,
  resolverAddress: string,
  view: GslbView,
): GslbAnswer {
  const flags = query.flags ?? 0;
  const opcode = (flags >> 11) & 0xf;
  const questions = query.questions ?? [];
  const opts = (query.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  const response = new GslbResponse(query.id ?? 0, opcode, flags & dnsPacket.RECURSION_DESIRED);
  const fail = (rcode: Rcode, reason: string): GslbAnswer => ({
    response: response.finish(rcode),
    reason,
  });

  // RFC 6891 §6.1.1: more than one OPT is a format error; a response to an EDNS query carries an OPT.
  if (opts.length > 1 || query.type === 'response') return fail(Rcode.FormErr, 'malformed EDNS');
  const opt = opts[0];
  if (opt !== undefined) response.withOpt();
  if (opt !== undefined && opt.ednsVersion > 0) return fail(Rcode.BadVers, 'EDNS version');
  if (opcode !== OPCODE_QUERY)
    return { response: response.echo(questions).finish(Rcode.NotImp), reason: 'opcode' };
  const question = questions[0];
  if (question === undefined || questions.length > 1)
    return fail(Rcode.FormErr, 'not one question');
  response.echo(questions);
  const ecs = clientSubnetOf(opt);
  if (ecs.kind === 'malformed') return fail(Rcode.FormErr, ecs.reason);
  if (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY')
    return fail(Rcode.Refused, 'class');

  const name = withoutTrailingDot(question.name).toLowerCase();
  if (!isInZone(name, view.zone)) return fail(Rcode.Refused, 'outside the zone');
  // RFC 1035 §4.1.1 REFUSED "for policy reasons": resolvers then ask another listed server at once,
  // where SERVFAIL may be cached (RFC 2308 §7.1). A minority side must not be the one that answers.
  if (!view.serving())
    return fail(Rcode.Refused, 'not serving (minority side or no clusterset view)');
  if (question.type === 'AXFR' || question.type === 'IXFR')
    return fail(Rcode.Refused, 'zone transfer');

  response.authoritative();
  const client: GslbClient =
    ecs.kind === 'present'
      ? { address: ecs.subnet.address, prefix: ecs.subnet.sourcePrefix, source: 'ecs' }
      : {
          address: resolverAddress,
          prefix: isIPv6(resolverAddress) ? 128 : 32,
          source: 'resolver',
        };
  return answerName(
    name,
    question,
    client,
    ecs.kind === 'present' ? ecs.subnet : undefined,
    view,
    response,
  );
}

function answerName(
  name: string,
  question: Question,
  client: GslbClient,
  subnet: ClientSubnet | undefined,
  view: GslbView,
  response: GslbResponse,
): GslbAnswer {
  const owner = withoutTrailingDot(question.name);
  const qtype: string = question.type;
  const wants = (type: string): boolean => qtype === type || qtype === 'ANY';
  const soa = zoneSoa(view);
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const record = view.record(name);
  let outcome: Omit<GslbAnswer, 'response'> = { reason: 'zone data' };

  if (name === view.zone) {
    if (wants('SOA')) answers.push({ ...soa, name: owner });
    if (wants('NS')) {
      answers.push(
        ...view.nameServers.map((ns): Answer => ({
          type: 'NS',
          name: owner,
          ttl: NS_TTL,
          class: 'IN',
          data: ns.name,
        })),
      );
      additionals.push(...glue(view));
    }
  }
  const nameServer = view.nameServers.find((ns) => ns.name === name);
  if (nameServer !== undefined)
    answers.push(...addresses(owner, [nameServer.address], NS_TTL, wants));
  if (record !== undefined && (wants('A') || wants('AAAA'))) {
    const choice = view.choose(record, client);
    if (choice.kind === 'servfail')
      return {
        response: response.finish(Rcode.ServFail),
        record: record.name,
        reason: choice.reason,
      };
    answers.push(
      ...addresses(
        owner,
        choice.targets.map((t) => t.address),
        record.ttl,
        wants,
      ),
    );
    outcome = {
      record: record.name,
      sites: choice.targets.map((t) => t.site),
      reason: choice.reason,
    };
    // The answer depends on the client's subnet only for the strategies that read it (RFC 7871 §7.2.1).
    if (subnet !== undefined)
      response.withClientSubnet(subnet, dependsOnClient(record) ? subnet.sourcePrefix : 0);
  } else if (subnet !== undefined) response.withClientSubnet(subnet, 0);

  if (answers.length > 0)
    return { response: response.positive(answers, additionals).finish(Rcode.NoError), ...outcome };
  const exists =
    name === view.zone ||
    nameServer !== undefined ||
    record !== undefined ||
    view.hasNamesBelow(name);
  // RFC 2308 §2.1/§2.2: NXDOMAIN and NODATA both carry the SOA for negative caching.
  return {
    response: response.negative(soa).finish(exists ? Rcode.NoError : Rcode.NxDomain),
    ...outcome,
    reason: exists ? 'no data of that type' : 'no such name',
  };
}

function dependsOnClient(record: GslbRecord): boolean {
  return (
    record.strategy === 'weighted' || record.strategy === 'geo' || record.strategy === 'latency'
  );
}

type EcsLookup =
  | { kind: 'absent' }
  | { kind: 'present'; subnet: ClientSubnet }
  | { kind: 'malformed'; reason: string };

function clientSubnetOf(opt: OptAnswer | undefined): EcsLookup {
  const options = (opt?.options ?? []).filter((o) => o.code === ECS_OPTION_CODE);
  if (options.length === 0) return { kind: 'absent' };
  if (options.length > 1) return { kind: 'malformed', reason: 'more than one ECS option' };
  const data = (options[0] as { data?: Buffer }).data ?? Buffer.alloc(0);
  const parsed = parseClientSubnet(data);
  return parsed.ok
    ? { kind: 'present', subnet: parsed.subnet }
    : { kind: 'malformed', reason: parsed.reason };
}

function glue(view: GslbView): Answer[] {
  const inZone = view.nameServers.filter((ns) => isInZone(ns.name, view.zone));
  return inZone.flatMap((ns) => addresses(ns.name, [ns.address], NS_TTL, () => true));
}

function addresses(
  owner: string,
  list: readonly string[],
  ttl: number,
  wants: (type: string) => boolean,
): Answer[] {
  const out: Answer[] = [];
  for (const address of list) {
    if (isIPv4(address) && wants('A'))
      out.push({ type: 'A', name: owner, ttl, class: 'IN', data: address });
    if (isIPv6(address) && wants('AAAA'))
      out.push({ type: 'AAAA', name: owner, ttl, class: 'IN', data: address });
  }
  return out;
}

function zoneSoa(view: GslbView): Answer {
  const mname = view.nameServers[0]?.name ?? `ns.${view.zone}`;
  // Refresh/retry/expire matter only to secondaries; every server computes its own answers.
  return {
    type: 'SOA',
    name: view.zone,
    ttl: NEGATIVE_TTL,
    class: 'IN',
    data: {
      mname,
      rname: `hostmaster.${view.zone}`,
      serial: view.serial() >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: NEGATIVE_TTL,
    },
  };
}

/** The clusterset DNS answer builder, plus the Client Subnet option a GSLB answer echoes (RFC 7871 §7.2.1). */
class GslbResponse extends ResponseBuilder {
  withClientSubnet(subnet: ClientSubnet, scopePrefix: number): this {
    return this.withOptions([
      { code: ECS_OPTION_CODE, ip: undefined, data: encodeClientSubnet(subnet, scopePrefix) },
    ]);
  }
}
