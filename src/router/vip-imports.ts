import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ImportConfig } from '../config/index.js';
import { VipAllocator, clustersetKey, type ClustersetService, type SiteEndpoint } from '../mcs/index.js';
import type { Logger } from '../observability/index.js';

/**
 * Gives every imported ClusterSetIP service a stable virtual IP at this site, plus one per
 * exporting site for site-targeted names, and every endpoint of a headless service one of its
 * own (stateful systems talk pod to pod across sites), and turns them into import listeners. Allocations are
 * kept in `vips.json`, so an address survives router restarts for as long as the import exists.
 */
export class VipImports {
  private readonly allocator: VipAllocator;
  private saved = '';
  /** Addresses no longer wanted, and since when: kept a while before release. */
  private readonly unwanted = new Map<string, number>();

  constructor(
    private readonly file: string,
    pool: string,
    private readonly logger: Logger,
    /**
     * How long an address outlives its import: a service whose exporters are only out of reach
     * for a moment (or re-exported quickly) comes back on the same address, so what points at it
     * (a Kubernetes EndpointSlice, a client's DNS cache) stays right. Defaults to the stale bound.
     */
    private readonly holdMs = 30_000,
  ) {
    this.allocator = new VipAllocator({ ipv4Cidr: pool });
  }

  async load(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    try {
      this.allocator.restore(JSON.parse(text));
      this.saved = text;
    } catch (err) {
      this.logger.warn({ file: this.file, error: (err as Error).message }, 'ignoring unreadable VIP allocations; addresses will be reassigned');
    }
  }

  /** Listeners for these services; addresses of services no longer imported are released. */
  async listeners(services: readonly ClustersetService[], endpointsOf: (service: ClustersetService) => SiteEndpoint[]): Promise<ImportConfig[]> {
    const wanted = new Set<string>();
    const out: ImportConfig[] = [];
    for (const service of services) {
      const tcpPorts = service.ports.filter((p) => p.protocol === 'TCP');
      const key = clustersetKey(service.name, service.namespace);
      if (service.type === 'Headless') {
        for (const { site, endpoint } of endpointsOf(service)) {
          if (endpoint.hostname === undefined) continue;
          const endpointKey = `${key}@${site}/${endpoint.hostname}`;
          wanted.add(endpointKey);
          const vip = this.allocator.allocate(endpointKey, 'IPv4');
          for (const p of tcpPorts) out.push({ name: service.name, namespace: service.namespace, listen: `${vip}:${p.port}`, port: p.port, site, endpoint: endpoint.hostname });
        }
        continue;
      }
      wanted.add(key);
      const vip = this.allocator.allocate(key, 'IPv4');
      for (const p of tcpPorts) out.push({ name: service.name, namespace: service.namespace, listen: `${vip}:${p.port}`, port: p.port });
      for (const site of service.sites) {
        const siteKey = `${key}@${site}`;
        wanted.add(siteKey);
        const siteVip = this.allocator.allocate(siteKey, 'IPv4');
        for (const p of tcpPorts) out.push({ name: service.name, namespace: service.namespace, listen: `${siteVip}:${p.port}`, port: p.port, site });
      }
    }
    const now = Date.now();
    for (const key of wanted) this.unwanted.delete(key);
    for (const key of Object.keys(this.allocator.snapshot().allocations)) {
      if (wanted.has(key)) continue;
      const since = this.unwanted.get(key) ?? now;
      this.unwanted.set(key, since);
      if (now - since < this.holdMs) continue;
      this.allocator.release(key);
      this.unwanted.delete(key);
    }
    await this.persist();
    return out;
  }

  /** The virtual IP here of a service, of one site's share of it, or of one headless endpoint. */
  vip(name: string, namespace: string, site?: string, endpoint?: string): string | undefined {
    const key = clustersetKey(name, namespace);
    const scoped = site === undefined ? key : endpoint === undefined ? `${key}@${site}` : `${key}@${site}/${endpoint}`;
    return this.allocator.lookup(scoped, 'IPv4');
  }

  private async persist(): Promise<void> {
    const text = JSON.stringify(this.allocator.snapshot(), null, 1);
    if (text === this.saved) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, this.file);
    this.saved = text;
  }
}
