import { isIPv4 } from 'node:net';

import { DNS_SCHEMA_VERSION, type DnsServiceView } from '../../src/dns/index.js';
import { BENCH_SERIAL, BENCH_TTL, BENCH_ZONE } from './bench-services.js';

// The SOA timers Causeway puts in its SOA (src/dns/zone-soa.ts), so negative answers match too.
const SOA_TIMERS = '7200 1800 86400';
// Causeway answers every SRV with these (src/dns/answer-query.ts).
const SRV_PRIORITY_WEIGHT = '0 100';

/**
 * The same records Causeway derives from `services`, as a master file (RFC 1035 §5) for a classic
 * authoritative server: A at each service, per-endpoint A for headless ones, SRV at the service name
 * (one per port) and at `_<port>._<proto>` for named ports, the DNSSPEC `dns-version` TXT.
 */
export function zoneFile(services: ReadonlyMap<string, DnsServiceView>): string {
  const origin = `${BENCH_ZONE}.`;
  const lines = [
    `$ORIGIN ${origin}`,
    `$TTL ${BENCH_TTL}`,
    `@ SOA ns.dns.${origin} hostmaster.${origin} ${BENCH_SERIAL} ${SOA_TIMERS} ${BENCH_TTL}`,
    `@ NS ns.dns.${origin}`,
    `dns-version TXT "${DNS_SCHEMA_VERSION}"`,
  ];
  for (const [key, service] of services) lines.push(...serviceRecords(key, service, origin));
  return `${lines.join('\n')}\n`;
}

interface SrvTarget {
  owner: string;
  addresses: string[];
}

/** `key` is `<name>.<namespace>`; owners are relative to the zone origin. */
function serviceRecords(key: string, service: DnsServiceView, origin: string): string[] {
  const owner = `${key}.svc`;
  const targets: SrvTarget[] =
    service.type === 'ClusterSetIP'
      ? [{ owner, addresses: service.ips }]
      : service.endpoints.map((e) => ({
          owner: `${e.hostname}.${e.site}.${owner}`,
          addresses: e.addresses,
        }));
  const lines = [...new Set(targets.flatMap((t) => t.addresses))].map((address) =>
    addressRecord(owner, address),
  );
  if (service.type === 'Headless')
    lines.push(
      ...targets.flatMap((t) => t.addresses.map((address) => addressRecord(t.owner, address))),
    );
  const srv = (at: string, port: number): string[] =>
    targets.map((t) => `${at} SRV ${SRV_PRIORITY_WEIGHT} ${port} ${t.owner}.${origin}`);
  // Causeway answers SRV at the bare service name with one record per distinct port number.
  for (const port of new Set(service.ports.map((p) => p.port))) lines.push(...srv(owner, port));
  for (const port of service.ports) {
    if (port.name !== undefined && port.name !== '')
      lines.push(...srv(`_${port.name}._${port.protocol.toLowerCase()}.${owner}`, port.port));
  }
  return lines;
}

function addressRecord(owner: string, address: string): string {
  return `${owner} ${isIPv4(address) ? 'A' : 'AAAA'} ${address}`;
}
