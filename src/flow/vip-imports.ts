import { readStateFile, replaceFile, type ImportConfig } from '../config/index.js';
import {
  PortAllocator,
  VipAllocator,
  clustersetKey,
  parsePortRange,
  type ClustersetService,
  type SiteEndpoint,
} from '../mcs/index.js';
import type { Logger } from '../observability/index.js';
import type { PortListener } from '../api/index.js';

/** Where the import listeners go: the VIP pool, and optionally one routable address with a port range. */
export interface ImportAddressing {
  /** IPv4 CIDR of the virtual IPs. */
  addressPool: string;
  /** Read at every sync (a reload may set or change it): the address other machines reach. */
  importAddress(): string | undefined;
  /** `first-last` ports on `importAddress`; fixed for the router's life. */
  importPorts: string;
  /** Whether this process may bind ports below `unprivilegedPortStart()` (root with its capabilities). */
  mayBindPrivileged(): boolean;
  /** The lowest port any process may bind (Linux `net.ipv4.ip_unprivileged_port_start`, 1024 by default). */
  unprivilegedPortStart(): number;
}

/** Which part of a service an import listener reaches: the whole, one site's share, one endpoint. */
type ImportTarget = { site?: string; endpoint?: string };

/** One port of an imported service as reachable on the import address (what an EndpointSlice points at). */
/**
 * Gives every imported ClusterSetIP service a stable virtual IP at this site, plus one per
 * exporting site for site-targeted names, and every endpoint of a headless service one of its
 * own (stateful systems talk pod to pod across sites), and turns them into import listeners. Allocations are
 * kept in `vips.json`, so an address survives router restarts for as long as the import exists.
 *
 * With an import address, each ClusterSetIP service port also gets a port of its own on that one
 * address (kept in `import-ports.json`): a pod network routes to a router pod's IP, not to a pool
 * of virtual IPs, so there services are told apart by port.
 */
export class VipImports {
  private readonly allocator: VipAllocator;
  private readonly ports: PortAllocator;
  private saved = '';
  private savedPorts = '';
  /** Allocations no longer wanted, and since when: kept a while before release. */
  private readonly unwanted = new Map<string, number>();

  constructor(
    private readonly files: { vips: string; ports: string },
    private readonly addressing: ImportAddressing,
    private readonly logger: Logger,
    /**
     * How long an address outlives its import: a service whose exporters are only out of reach
     * for a moment (or re-exported quickly) comes back on the same address, so what points at it
     * (a Kubernetes EndpointSlice, a client's DNS cache) stays right. Defaults to the stale bound.
     */
    private readonly holdMs = 30_000,
  ) {
    this.allocator = new VipAllocator({ ipv4Cidr: addressing.addressPool });
    this.ports = new PortAllocator(parsePortRange(addressing.importPorts));
  }

  async load(): Promise<void> {
    this.saved = await restoreFrom(
      this.files.vips,
      (raw) => this.allocator.restore(raw),
      this.logger,
      'VIP allocations',
    );
    this.savedPorts = await restoreFrom(
      this.files.ports,
      (raw) => this.ports.restore(raw),
      this.logger,
      'import port allocations',
    );
  }

  /** Listeners for these services; addresses of services no longer imported are released. */
  async listeners(
    services: readonly ClustersetService[],
    endpointsOf: (service: ClustersetService) => SiteEndpoint[],
  ): Promise<ImportConfig[]> {
    const wanted = new Set<string>();
    const out: ImportConfig[] = [];
    for (const service of services) {
      const carried = service.ports.filter(isCarried);
      const key = clustersetKey(service.name, service.namespace);
      const address = this.addressing.importAddress();
      const add = (targetKey: string, target: ImportTarget): void =>
        this.addTarget(service, targetKey, carried, address, target, wanted, out);
      if (service.type === 'Headless') {
        // Stateful peers dial each other by per-endpoint name: an address of its own per endpoint.
        for (const { site, endpoint } of endpointsOf(service)) {
          if (endpoint.hostname === undefined) continue;
          add(`${key}@${site}/${endpoint.hostname}`, { site, endpoint: endpoint.hostname });
        }
        continue;
      }
      add(key, {});
      for (const site of service.sites) add(`${key}@${site}`, { site });
    }
    for (const key of wanted) this.unwanted.delete(key);
    this.releaseUnwanted(Object.keys(this.allocator.snapshot().allocations), wanted, (key) =>
      this.allocator.release(key),
    );
    this.releaseUnwanted(this.ports.keys(), wanted, (key) => this.ports.release(key));
    await this.persist();
    return out;
  }

  /**
   * One import target's listeners (the whole service, one site's share, or one endpoint): its
   * virtual IP on each port it may bind there, and with an import address a port each on that
   * address too, which other pods reach (site-targeted and per-endpoint names need it as much as
   * the clusterset name does).
   */
  private addTarget(
    service: ClustersetService,
    key: string,
    ports: readonly CarriedPort[],
    address: string | undefined,
    target: ImportTarget,
    wanted: Set<string>,
    out: ImportConfig[],
  ): void {
    wanted.add(key);
    const vip = this.allocator.allocate(key, 'IPv4');
    const named = { name: service.name, namespace: service.namespace };
    for (const p of this.vipPorts(ports, address))
      out.push({ ...named, listen: `${vip}:${p.port}`, ...portOf(p), ...target });
    if (address === undefined) return;
    for (const p of ports) {
      const portKey = portKeyOf(key, p);
      wanted.add(portKey);
      const listen = hostPortOf(address, this.ports.allocate(portKey));
      out.push({ ...named, listen, ...portOf(p), ...target });
    }
  }

  /**
   * The ports that get a listener on a virtual IP. With an import address (a router pod) a
   * privileged port is left out when this process may not bind it: the pod runs non-root with
   * every capability dropped, the bind would fail with EACCES on every sync, and pods reach the
   * service through the import address anyway, which uses ports of its own above 1024.
   */
  private vipPorts<P extends { port: number }>(
    ports: readonly P[],
    address: string | undefined,
  ): P[] {
    if (address === undefined || this.addressing.mayBindPrivileged()) return [...ports];
    const first = this.addressing.unprivilegedPortStart();
    return ports.filter((p) => p.port >= first);
  }

  /** Frees allocations unwanted for longer than the hold time. */
  private releaseUnwanted(
    keys: readonly string[],
    wanted: ReadonlySet<string>,
    release: (key: string) => void,
  ): void {
    const now = Date.now();
    for (const key of keys) {
      if (wanted.has(key)) continue;
      const since = this.unwanted.get(key) ?? now;
      this.unwanted.set(key, since);
      if (now - since < this.holdMs) continue;
      release(key);
      this.unwanted.delete(key);
    }
  }

  /** Where each TCP (and UDP) port of a ClusterSetIP service listens on the import address; empty without one. */
  portListeners(
    name: string,
    namespace: string,
    ports: readonly number[],
    udpPorts: readonly number[] = [],
  ): PortListener[] {
    return this.lookupListeners(clustersetKey(name, namespace), ports, udpPorts);
  }

  private lookupListeners(
    key: string,
    ports: readonly number[],
    udpPorts: readonly number[],
  ): PortListener[] {
    const address = this.addressing.importAddress();
    if (address === undefined) return [];
    const all: CarriedPort[] = [
      ...ports.map((port) => ({ port, protocol: 'TCP' as const })),
      ...udpPorts.map((port) => ({ port, protocol: 'UDP' as const })),
    ];
    return all.flatMap((p) => {
      const listenPort = this.ports.lookup(portKeyOf(key, p));
      return listenPort === undefined
        ? []
        : [{ port: p.port, listen: hostPortOf(address, listenPort), ...udpMark(p) }];
    });
  }

  /** Per exporting site, where each TCP port of a ClusterSetIP service targeted at that site listens on the import address. */
  siteListeners(
    name: string,
    namespace: string,
    sites: readonly string[],
    ports: readonly number[],
    udpPorts: readonly number[] = [],
  ): Array<PortListener & { site: string }> {
    const key = clustersetKey(name, namespace);
    return sites.flatMap((site) =>
      this.lookupListeners(`${key}@${site}`, ports, udpPorts).map((l) => ({ site, ...l })),
    );
  }

  /** Where each TCP port of one headless endpoint listens on the import address; empty without one. */
  endpointListeners(
    name: string,
    namespace: string,
    site: string,
    hostname: string,
    ports: readonly number[],
    udpPorts: readonly number[] = [],
  ): PortListener[] {
    const key = `${clustersetKey(name, namespace)}@${site}/${hostname}`;
    return this.lookupListeners(key, ports, udpPorts);
  }

  /** The virtual IP here of a service, of one site's share of it, or of one headless endpoint. */
  vip(name: string, namespace: string, site?: string, endpoint?: string): string | undefined {
    const key = clustersetKey(name, namespace);
    const scoped =
      site === undefined
        ? key
        : endpoint === undefined
          ? `${key}@${site}`
          : `${key}@${site}/${endpoint}`;
    return this.allocator.lookup(scoped, 'IPv4');
  }

  private async persist(): Promise<void> {
    this.saved = await writeIfChanged(
      this.files.vips,
      JSON.stringify(this.allocator.snapshot(), null, 1),
      this.saved,
    );
    this.savedPorts = await writeIfChanged(
      this.files.ports,
      JSON.stringify(this.ports.snapshot(), null, 1),
      this.savedPorts,
    );
  }
}

/** A service port Causeway carries: TCP (HTTP included) or UDP; SCTP is only listed. */
type CarriedPort = { port: number; protocol: 'TCP' | 'UDP' };

function isCarried(p: { protocol: string }): p is CarriedPort {
  return p.protocol === 'TCP' || p.protocol === 'UDP';
}

/** The allocation key of a port on the import address; UDP ports have their own, since a TCP one may share its number. */
function portKeyOf(key: string, p: CarriedPort): string {
  return p.protocol === 'UDP' ? `${key}#${p.port}/udp` : `${key}#${p.port}`;
}

/** An import's port fields: a UDP port's listener says so, a TCP one stays as it always was. */
function portOf(p: CarriedPort): { port: number; protocol?: 'UDP' } {
  return { port: p.port, ...udpMark(p) };
}

function udpMark(p: CarriedPort): { protocol?: 'UDP' } {
  return p.protocol === 'UDP' ? { protocol: 'UDP' } : {};
}

function hostPortOf(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Restores allocations from a file; returns its text ('' when absent or unreadable, so it is rewritten). */
async function restoreFrom(
  file: string,
  restore: (raw: unknown) => void,
  logger: Logger,
  what: string,
): Promise<string> {
  const read = await readStateFile(file, restore);
  switch (read.kind) {
    case 'absent':
      return '';
    case 'ok':
      return read.text;
    case 'unreadable':
    case 'corrupt':
      // Addresses are a cache of choices, not a source of truth: reassigning them is safe.
      logger.warn(
        { file, err: read.error, state: read.kind },
        `ignoring ${read.kind} ${what}; they will be reassigned`,
      );
      return '';
  }
}

/** Writes atomically when the text differs from what was last written; returns the text now on disk. */
async function writeIfChanged(file: string, text: string, saved: string): Promise<string> {
  if (text !== saved) await replaceFile(file, text);
  return text;
}
