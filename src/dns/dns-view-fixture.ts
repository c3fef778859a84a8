import type { DnsServiceView, DnsView } from './dns-view.js';

/** An in-memory DnsView for tests: services keyed by `<name>.<namespace>`. */
export class MemoryDnsView implements DnsView {
  constructor(
    private readonly services: Record<string, DnsServiceView>,
    private readonly namespaces: ReadonlySet<string>,
    private readonly siteIds: ReadonlySet<string>,
    private readonly serial?: number,
  ) {}

  service(name: string, namespace: string): DnsServiceView | undefined {
    if (!this.namespaces.has(namespace)) return undefined;
    const key = `${name}.${namespace}`;
    return Object.hasOwn(this.services, key) ? this.services[key] : undefined;
  }

  namespaceExists(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  sites(): ReadonlySet<string> {
    return this.siteIds;
  }

  version(): number {
    return this.serial ?? 1;
  }
}

/** Sites `east` and the multi-label `west.eu.example`; namespace `shop` has the services, `empty` none. */
export function clustersetFixture(): MemoryDnsView {
  return new MemoryDnsView(
    {
      // tcp/42 and udp/42 named (the conformance quirk) plus an unnamed port.
      'web.shop': {
        type: 'ClusterSetIP',
        ips: ['10.96.0.10'],
        ports: [
          { name: 'dns-tcp', port: 42, protocol: 'TCP' },
          { name: 'dns-udp', port: 42, protocol: 'UDP' },
          { port: 8080, protocol: 'TCP' },
        ],
        endpoints: [
          { site: 'east', hostname: 'web-1', addresses: ['10.1.0.1'] },
          { site: 'west.eu.example', hostname: 'web-2', addresses: ['10.2.0.1'] },
        ],
        siteIps: { east: ['10.96.1.10'] },
      },
      // The caller gives an IP-derived hostname to endpoints without one (DNSSPEC: dashed IP).
      'db.shop': {
        type: 'Headless',
        ips: [],
        ports: [
          { name: 'pg', port: 5432, protocol: 'TCP' },
          { port: 9000, protocol: 'TCP' },
        ],
        endpoints: [
          { site: 'east', hostname: 'db-0', addresses: ['10.1.0.5'] },
          { site: 'east', hostname: '10-1-0-6', addresses: ['10.1.0.6'] },
          { site: 'west.eu.example', hostname: 'db-0', addresses: ['10.2.0.5', 'fd00::5'] },
        ],
      },
      'dual.shop': {
        type: 'ClusterSetIP',
        ips: ['10.96.0.20', 'fd00:96::20'],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        endpoints: [],
      },
      'v6only.shop': { type: 'ClusterSetIP', ips: ['fd00:96::30'], ports: [], endpoints: [] },
      'idle.shop': {
        type: 'Headless',
        ips: [],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
        endpoints: [],
      },
    },
    new Set(['shop', 'empty']),
    new Set(['east', 'west.eu.example']),
    42,
  );
}
