import type { ExportConfig } from '../config/index.js';
/** A service as another site advertises it: name, namespace and TCP ports. */
export interface AdvertisedService {
  name: string;
  namespace: string;
  ports: Array<{ port: number; protocol: 'TCP' }>;
}
import { serviceKey } from './service-key.js';

/** Where a flow for a service can go: this site's own backend, or a peer site that exports it. */
export type Endpoint =
  | { kind: 'local'; site: string; target: ExportConfig }
  | { kind: 'remote'; site: string };

/**
 * What this router knows is exported where. Pure data: the router feeds it local config and
 * peers' adverts, and asks it for the endpoints of a service port.
 */
export class ServiceCatalog {
  private local = new Map<string, ExportConfig[]>();
  private readonly remote = new Map<string, Map<string, AdvertisedService>>();
  private readonly cursor = new Map<string, number>();

  constructor(private readonly siteId: string) {}

  setLocalExports(exports: readonly ExportConfig[]): void {
    const next = new Map<string, ExportConfig[]>();
    for (const e of exports) {
      const key = serviceKey(e.name, e.namespace);
      next.set(key, [...(next.get(key) ?? []), e]);
    }
    this.local = next;
  }

  /** The local backend for a service port, if this site exports it. */
  localExport(name: string, namespace: string, port: number): ExportConfig | undefined {
    return this.local.get(serviceKey(name, namespace))?.find((e) => e.port === port);
  }

  /** Replaces everything a peer exports. */
  setRemoteExports(site: string, services: readonly AdvertisedService[]): void {
    this.remote.set(site, new Map(services.map((s) => [serviceKey(s.name, s.namespace), s])));
  }

  /** Sites whose exports are held. */
  remoteSites(): string[] {
    return [...this.remote.keys()];
  }

  forgetSite(site: string): void {
    this.remote.delete(site);
  }

  /** Ports of a service as known anywhere in the clusterset, sorted. */
  ports(name: string, namespace: string): number[] {
    const key = serviceKey(name, namespace);
    const ports = new Set<number>();
    for (const e of this.local.get(key) ?? []) ports.add(e.port);
    for (const services of this.remote.values()) for (const p of services.get(key)?.ports ?? []) ports.add(p.port);
    return [...ports].sort((a, b) => a - b);
  }

  /** Every endpoint serving the port: this site first, then peers in id order (stable for round-robin). */
  endpoints(name: string, namespace: string, port: number, reachable: (site: string) => boolean): Endpoint[] {
    const out: Endpoint[] = [];
    const local = this.localExport(name, namespace, port);
    if (local !== undefined) out.push({ kind: 'local', site: this.siteId, target: local });
    const key = serviceKey(name, namespace);
    for (const site of [...this.remote.keys()].sort()) {
      const service = this.remote.get(site)?.get(key);
      if (service?.ports.some((p) => p.port === port) === true && reachable(site)) out.push({ kind: 'remote', site });
    }
    return out;
  }

  /** Round-robin over the endpoints of a service port (traffic policy refines this later). */
  pickEndpoint(name: string, namespace: string, port: number, reachable: (site: string) => boolean): Endpoint | undefined {
    const all = this.endpoints(name, namespace, port, reachable);
    if (all.length === 0) return undefined;
    const key = `${serviceKey(name, namespace)}:${port}`;
    const n = this.cursor.get(key) ?? 0;
    this.cursor.set(key, n + 1);
    return all[n % all.length];
  }

  /** Sites exporting each service, for status. */
  exporters(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const key of this.local.keys()) out.set(key, [this.siteId]);
    for (const [site, services] of this.remote) {
      for (const key of services.keys()) out.set(key, [...(out.get(key) ?? []), site]);
    }
    return out;
  }
}
