import type { DnsServiceView, DnsView } from '../../src/dns/index.js';
import { BENCH_NAMESPACE, BENCH_SITE } from './bench-services.js';

/** A fixed DnsView over the bench services: the cheapest view there can be, so the server itself is measured. */
export class BenchDnsView implements DnsView {
  private readonly siteIds: ReadonlySet<string> = new Set([BENCH_SITE]);

  constructor(
    private readonly services: ReadonlyMap<string, DnsServiceView>,
    private readonly serial: number,
  ) {}

  service(name: string, namespace: string): DnsServiceView | undefined {
    return this.services.get(`${name}.${namespace}`);
  }

  namespaceExists(namespace: string): boolean {
    return namespace === BENCH_NAMESPACE;
  }

  sites(): ReadonlySet<string> {
    return this.siteIds;
  }

  version(): number {
    return this.serial;
  }
}
