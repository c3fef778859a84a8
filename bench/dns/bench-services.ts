import type { DnsServiceView } from '../../src/dns/index.js';

/** The zone both servers are authoritative for, and the TTL and SOA serial both put on every record. */
export const BENCH_ZONE = 'clusterset.local';
export const BENCH_TTL = 5;
export const BENCH_SERIAL = 1;
/** The namespace every bench service lives in. */
export const BENCH_NAMESPACE = 'bench';
/** The one exporting site of the headless endpoints. */
export const BENCH_SITE = 'east';
/** The named port every service exposes, so `_http._tcp.<svc>` has an SRV record. */
export const BENCH_PORT = { name: 'http', port: 80, protocol: 'TCP' } as const;

const CLUSTERSET_IP_SERVICES = 50;
const HEADLESS_SERVICES = 5;
const ENDPOINTS_PER_HEADLESS = 10;

/**
 * The records both servers answer from: ClusterSetIP services `svc-<i>` (one virtual IP each) and
 * headless services `hl-<i>` with ten endpoints each, keyed `<name>.<namespace>` like the test fixture.
 */
export function benchServices(): Map<string, DnsServiceView> {
  const services = new Map<string, DnsServiceView>();
  for (let i = 0; i < CLUSTERSET_IP_SERVICES; i++) {
    services.set(`svc-${i}.${BENCH_NAMESPACE}`, {
      type: 'ClusterSetIP',
      ips: [`10.96.0.${i + 1}`],
      ports: [BENCH_PORT],
      endpoints: [],
    });
  }
  for (let i = 0; i < HEADLESS_SERVICES; i++) {
    services.set(`hl-${i}.${BENCH_NAMESPACE}`, {
      type: 'Headless',
      ips: [],
      ports: [BENCH_PORT],
      endpoints: headlessEndpoints(i),
    });
  }
  return services;
}

function headlessEndpoints(service: number): DnsServiceView['endpoints'] {
  return Array.from({ length: ENDPOINTS_PER_HEADLESS }, (_, e) => ({
    site: BENCH_SITE,
    hostname: `ep-${e}`,
    addresses: [`10.1.${service}.${e + 1}`],
  }));
}
