import type { ExportConfig } from '../config/index.js';
import { ClustersetModel, type ClustersetService, type SiteExport } from '../mcs/index.js';
import type { SiteAdvert } from '../routing/index.js';
import { admitsImporter } from './access-annotation.js';
import { serviceKey } from './service-key.js';

/** Where a flow for a service can go: this site's own backend, or another site that exports it. */
export type Endpoint =
  { kind: 'local'; site: string; target: ExportConfig } | { kind: 'remote'; site: string };

/** The transport a flow of a port travels on; HTTP exports are TCP. */
export type CarriedProtocol = 'TCP' | 'UDP';

/** The transport an export entry's backend speaks. */
export function carriedProtocol(e: Pick<ExportConfig, 'protocol'>): CarriedProtocol {
  return e.protocol === 'UDP' ? 'UDP' : 'TCP';
}

/**
 * The clusterset's services as this site sees them: the MCS model fed from every reachable
 * site's advert (this site's own included), plus where this site's own backends are.
 * Unreachable sites drop out of the model at once, so their endpoints leave rotation.
 */
export class ServiceDirectory {
  readonly model = new ClustersetModel();
  private local = new Map<string, ExportConfig[]>();
  /** Whether a local backend passes its checks; several backends of one port share flows among the healthy. */
  private healthy: (entry: ExportConfig) => boolean = () => true;
  private readonly turns = new Map<string, number>();
  private localChanges = 0;
  /** The advert each reachable site's exports were last taken from. */
  private readonly fed = new Map<string, SiteAdvert>();

  constructor(readonly self: string) {}

  setLocalExports(exports: readonly ExportConfig[]): void {
    const next = new Map<string, ExportConfig[]>();
    for (const e of exports) {
      const key = serviceKey(e.name, e.namespace);
      next.set(key, [...(next.get(key) ?? []), e]);
    }
    this.local = next;
    this.localChanges += 1;
  }

  /** Bumped when this site's own exports are replaced (a backend address is not in any advert). */
  get localVersion(): number {
    return this.localChanges;
  }

  setHealthCheck(healthy: (entry: ExportConfig) => boolean): void {
    this.healthy = healthy;
  }

  /**
   * This site's backend for a service port (and headless endpoint), if it exports it. A port with
   * several backends (a Kubernetes Service's endpoints) takes them in turn, healthy ones only
   * while any is healthy.
   */
  localExport(
    name: string,
    namespace: string,
    port: number,
    endpoint?: string,
    protocol: CarriedProtocol = 'TCP',
  ): ExportConfig | undefined {
    const key = serviceKey(name, namespace);
    const matching = (this.local.get(key) ?? []).filter(
      (e) =>
        e.port === port &&
        carriedProtocol(e) === protocol &&
        (endpoint === undefined || e.hostname === endpoint),
    );
    if (matching.length <= 1) return matching[0];
    const usable = matching.filter((e) => this.healthy(e));
    const pool = usable.length > 0 ? usable : matching;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return pool[turn % pool.length];
  }

  /**
   * Brings the model up to date with adverts; sites that are not reachable are left out. Only a
   * site whose advert is a different object than last time (adverts are never changed in place:
   * a new seq is a new object) or that just became reachable is re-fed, so one change among
   * 1,000 sites × 100 services merges one site's exports instead of all 100,000.
   */
  sync(adverts: readonly SiteAdvert[], reachable: (site: string) => boolean): void {
    const present = new Set<string>();
    for (const advert of adverts) {
      if (!reachable(advert.origin)) continue;
      present.add(advert.origin);
      if (this.fed.get(advert.origin) === advert) continue;
      this.fed.set(advert.origin, advert);
      this.model.setSiteExports(
        advert.origin,
        // A service whose exporter does not admit this site is not imported here at all.
        advert.services
          .filter((s) => admitsImporter(s, this.self))
          .map((s): SiteExport => ({ ...s, site: advert.origin })),
      );
    }
    for (const site of this.fed.keys()) {
      if (present.has(site)) continue;
      this.fed.delete(site);
      this.model.removeSite(site);
    }
  }

  service(name: string, namespace: string): ClustersetService | undefined {
    return this.model.service(name, namespace);
  }

  /** TCP (or UDP) ports of a service, sorted. */
  ports(name: string, namespace: string, protocol: CarriedProtocol = 'TCP'): number[] {
    return (this.model.service(name, namespace)?.ports ?? [])
      .filter((p) => p.protocol === protocol)
      .map((p) => p.port)
      .sort((a, b) => a - b);
  }

  /** Sites with ready endpoints for the port, this site first, then by id. */
  endpoints(
    name: string,
    namespace: string,
    port: number,
    protocol: CarriedProtocol = 'TCP',
  ): Endpoint[] {
    const sites = new Set(
      this.model.endpointsFor(name, namespace, port, protocol).map((e) => e.site),
    );
    const out: Endpoint[] = [];
    const local = this.localExport(name, namespace, port, undefined, protocol);
    if (local !== undefined && sites.has(this.self))
      out.push({ kind: 'local', site: this.self, target: local });
    for (const site of [...sites].sort())
      if (site !== this.self) out.push({ kind: 'remote', site });
    return out;
  }

  /** The services this site imports, given the namespaces present here (MCS namespace sameness). */
  imported(namespaces: ReadonlySet<string>): ClustersetService[] {
    return this.model.importedAt(this.self, namespaces);
  }

  /** Exporting sites of each service, keyed `name.namespace`. */
  exporters(): Map<string, string[]> {
    return new Map(this.model.services().map((s) => [serviceKey(s.name, s.namespace), s.sites]));
  }
}
