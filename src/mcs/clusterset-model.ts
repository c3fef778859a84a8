import { isDeepStrictEqual } from 'node:util';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { clustersetKey } from './clusterset-key.js';
import { mergeClustersetService, type ClustersetService } from './merge-clusterset-service.js';
import { portKey } from './merge-ports.js';
import type { PortProtocol, ServiceEndpoint, SiteExport } from './site-export.js';

/** A ready endpoint and the site that serves it. */
export interface SiteEndpoint {
  site: string;
  endpoint: ServiceEndpoint;
}

/**
 * Every site's exports and the clusterset services they merge into. Pure data: feed it what sites advertise,
 * read services, imports and endpoints. Merges are cached per service and redone only for services whose
 * exports changed, because a clusterset of 1,000 sites × 100 services sees one site change at a time.
 */
export class ClustersetModel {
  readonly #bySite = new Map<string, Map<string, SiteExport>>();
  readonly #byKey = new Map<string, Map<string, SiteExport>>();
  readonly #merged = new Map<string, ClustersetService>();
  readonly #dirty = new Set<string>();
  #sorted: ClustersetService[] | undefined;
  #version = 0;

  /** Bumped on every effective change, so consumers can skip recomputing when it has not moved. */
  get version(): number {
    return this.#version;
  }

  /** Replaces everything `site` exports; an export missing from the list is unexported. */
  setSiteExports(site: string, exports: readonly SiteExport[]): void {
    const next = indexSiteExports(site, exports);
    const previous = this.#bySite.get(site) ?? new Map<string, SiteExport>();
    let changed = false;
    for (const key of previous.keys()) {
      if (!next.has(key)) changed = this.#unexport(site, key) || changed;
    }
    for (const [key, exp] of next) {
      const old = previous.get(key);
      if (old !== undefined && isDeepStrictEqual(old, exp)) continue;
      this.#exportsOf(key).set(site, exp);
      this.#dirty.add(key);
      changed = true;
    }
    if (next.size === 0) this.#bySite.delete(site);
    else this.#bySite.set(site, next);
    if (changed) this.#touch();
  }

  /** Forgets a site: all its exports are withdrawn. */
  removeSite(site: string): void {
    this.setSiteExports(site, []);
  }

  /** Every clusterset service (those with at least one exporter), sorted by namespace then name. */
  services(): readonly ClustersetService[] {
    this.#flush();
    this.#sorted ??= [...this.#merged.values()].sort(byNamespaceThenName);
    return this.#sorted;
  }

  service(name: string, namespace: string): ClustersetService | undefined {
    this.#flush();
    return this.#merged.get(clustersetKey(name, namespace));
  }

  /**
   * The services `site` imports: those whose namespace exists there (namespace sameness; namespaces are never
   * auto-created). A site's own exports count too, since exporting proves the namespace exists at that site.
   */
  importedAt(site: string, namespaces: ReadonlySet<string>): ClustersetService[] {
    return this.services().filter(
      (service) => namespaces.has(service.namespace) || service.sites.includes(site),
    );
  }

  /** Ready endpoints of `port`, only from sites that expose that protocol+port (strict port conflict). */
  endpointsFor(
    name: string,
    namespace: string,
    port: number,
    protocol: PortProtocol = 'TCP',
  ): SiteEndpoint[] {
    const sites = this.service(name, namespace)?.portSites[portKey(port, protocol)] ?? [];
    return this.#readyEndpoints(clustersetKey(name, namespace), sites);
  }

  /** Ready endpoints from every exporting site, whatever the port: what a headless service's DNS answers. */
  readyEndpoints(name: string, namespace: string): SiteEndpoint[] {
    return this.#readyEndpoints(
      clustersetKey(name, namespace),
      this.service(name, namespace)?.sites ?? [],
    );
  }

  #readyEndpoints(key: string, sites: readonly string[]): SiteEndpoint[] {
    const exports = this.#byKey.get(key);
    return sites.flatMap((site) =>
      (exports?.get(site)?.endpoints ?? [])
        .filter((e) => e.ready)
        .map((endpoint) => ({ site, endpoint })),
    );
  }

  #exportsOf(key: string): Map<string, SiteExport> {
    let exports = this.#byKey.get(key);
    if (exports === undefined) this.#byKey.set(key, (exports = new Map<string, SiteExport>()));
    return exports;
  }

  #unexport(site: string, key: string): boolean {
    const exports = this.#byKey.get(key);
    if (exports?.delete(site) !== true) return false;
    if (exports.size === 0) this.#byKey.delete(key);
    this.#dirty.add(key);
    return true;
  }

  #touch(): void {
    this.#version++;
    this.#sorted = undefined;
  }

  #flush(): void {
    for (const key of this.#dirty) {
      const exports = this.#byKey.get(key);
      // The ServiceImport lives exactly as long as one export does (KEP §Importing Services).
      if (exports === undefined) this.#merged.delete(key);
      else this.#merged.set(key, mergeClustersetService([...exports.values()]));
    }
    this.#dirty.clear();
  }
}

function byNamespaceThenName(a: ClustersetService, b: ClustersetService): number {
  const [x, y] = a.namespace === b.namespace ? [a.name, b.name] : [a.namespace, b.namespace];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Checks a site's list and keys it by service; the model keeps its own copy so callers may reuse their objects. */
function indexSiteExports(site: string, exports: readonly SiteExport[]): Map<string, SiteExport> {
  const byKey = new Map<string, SiteExport>();
  for (const exp of exports) {
    if (exp.site !== site)
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `export of ${exp.namespace}/${exp.name} claims site ${exp.site}, not ${site}`,
      );
    const key = clustersetKey(exp.name, exp.namespace);
    if (byKey.has(key))
      throw new CausewayError(ErrorCode.InputInvalid, `site ${site} exports ${key} twice`);
    byKey.set(key, copySiteExport(exp));
  }
  return byKey;
}

/** A deep copy of the export's own fields (structuredClone is ~10× slower, which shows at 100,000 exports). */
function copySiteExport(exp: SiteExport): SiteExport {
  const copy: SiteExport = {
    ...exp,
    ports: exp.ports.map((port) => ({ ...port })),
    endpoints: exp.endpoints.map((endpoint) => ({
      ...endpoint,
      addresses: [...endpoint.addresses],
    })),
  };
  if (exp.ipFamilies !== undefined) copy.ipFamilies = [...exp.ipFamilies];
  if (exp.exportedLabels !== undefined) copy.exportedLabels = { ...exp.exportedLabels };
  if (exp.exportedAnnotations !== undefined)
    copy.exportedAnnotations = { ...exp.exportedAnnotations };
  return copy;
}
