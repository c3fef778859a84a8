import { isIPv6 } from 'node:net';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { parseIp } from '../mcs/index.js';
import type { GslbClient } from './choose-targets.js';
import { qualifyName } from './gslb-edits.js';
import type { GslbState } from './gslb-state.js';

/** `gslb explain` as data: the client, what it would get, why, and each target's health. */
export interface RecordExplanation {
  name: string;
  strategy: string;
  client: GslbClient;
  serving: boolean;
  answer: {
    rcode: 'NOERROR' | 'SERVFAIL' | 'REFUSED';
    sites: string[];
    addresses: string[];
    reason: string;
    ttl: number;
  };
  targets: Array<{
    site: string;
    address: string;
    weight: number;
    region: string;
    healthy: boolean;
  }>;
}

/** Parses `--client 203.0.113.0/24` (as an ECS subnet) or a bare address (as a resolver). */
export function parseClient(text: string): GslbClient {
  const [address = '', prefixText] = text.split('/');
  const bad = (): CausewayError =>
    new CausewayError(ErrorCode.InputInvalid, `--client: "${text}" is not an address or subnet`, {
      hint: 'write a resolver address (198.51.100.7) or a client subnet (203.0.113.0/24)',
    });
  try {
    parseIp(address);
  } catch {
    throw bad();
  }
  const bits = isIPv6(address) ? 128 : 32;
  if (prefixText === undefined) return { address, prefix: bits, source: 'resolver' };
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) throw bad();
  return { address, prefix, source: 'ecs' };
}

/** What `name` answers `client` now, and why. */
export function explainRecord(
  state: GslbState,
  name: string,
  client: GslbClient,
): RecordExplanation {
  const record = state.record(qualifyName(name, state.zone));
  if (record === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `no GSLB record ${qualifyName(name, state.zone)}`,
      { hint: '`causeway gslb list` shows the records' },
    );
  if (!state.knowsService(record.service)) {
    throw new CausewayError(
      ErrorCode.ServiceUnknown,
      `${record.name} refers to ${record.service}, which no router reports in the clusterset`,
      {
        hint: `export it from a site (\`causeway expose ${record.service.split('/')[1]} --namespace ${record.service.split('/')[0]} ...\`), or fix the record with \`causeway gslb set ${record.name} --service <namespace/name>\``,
      },
    );
  }
  const ready = state.readySites(record.service);
  const targets = record.targets.map((t) => ({
    site: t.site,
    address: t.address,
    weight: t.weight,
    region: t.region ?? t.site,
    healthy: ready.has(t.site),
  }));
  const base = {
    name: record.name,
    strategy: record.strategy,
    client,
    serving: state.serving(),
    targets,
  };
  if (!state.serving())
    return {
      ...base,
      answer: {
        rcode: 'REFUSED',
        sites: [],
        addresses: [],
        reason: 'no router on the majority side reports the clusterset: this server would refuse',
        ttl: record.ttl,
      },
    };
  const choice = state.choose(record, client);
  if (choice.kind === 'servfail')
    return {
      ...base,
      answer: {
        rcode: 'SERVFAIL',
        sites: [],
        addresses: [],
        reason: choice.reason,
        ttl: record.ttl,
      },
    };
  return {
    ...base,
    answer: {
      rcode: 'NOERROR',
      sites: choice.targets.map((t) => t.site),
      addresses: choice.targets.map((t) => t.address),
      reason: choice.reason,
      ttl: record.ttl,
    },
  };
}
