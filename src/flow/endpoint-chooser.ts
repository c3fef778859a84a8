import type { ImportConfig, SiteConfig } from '../config/index.js';
import { OutlierDetector } from '../health/index.js';
import type { Logger, RouterMetrics } from '../observability/index.js';
import {
  SessionTable,
  compilePolicy,
  selectEndpoint,
  selectFromCompiled,
  type Candidate,
  type CompiledTiers,
  type TrafficPolicy,
} from '../policy/index.js';
import type { LinkStateDb } from '../routing/index.js';
import { systemRuntime, type Runtime } from '../runtime/index.js';
import {
  serviceKey,
  writePolicyOf,
  type Endpoint,
  type ServiceDirectory,
} from '../services/index.js';

interface CachedChoice {
  stamp: string;
  /** The config object it was built from: a reload replaces it, and so may change the policy. */
  config: SiteConfig;
  /** An ejection inside it ends then; the tiers are rebuilt to take the site back. */
  validUntil: number;
  endpoints: Map<string, Endpoint>;
  compiled: CompiledTiers;
}

/**
 * Decides which site serves each new flow: the service's traffic policy (locality, affinity,
 * weights, failover tiers, session affinity) over its reachable, ready, non-ejected sites, least
 * loaded of two within a tier. Compiled tiers are cached until membership, health, routes or
 * policy change, so a choice costs well under a microsecond of policy work.
 */
export class EndpointChooser {
  private readonly cache = new Map<string, CachedChoice>();
  private readonly outstanding = new Map<string, number>();
  private readonly sessions = new Map<string, SessionTable>();
  private readonly outliers = new OutlierDetector();
  /** Bumped when an ejection starts, so cached tiers are rebuilt without the ejected site. */
  private ejections = 0;
  /** Bound once: the policy code calls it as a plain function. */
  private readonly random = (): number => this.runtime.random();

  constructor(
    private readonly directory: ServiceDirectory,
    private readonly lsdb: LinkStateDb,
    private readonly config: () => SiteConfig,
    private readonly metrics: RouterMetrics,
    private readonly logger: Logger,
    private readonly runtime: Runtime = systemRuntime,
  ) {}

  /** Picks an endpoint for a new flow; `exclude` lists sites already tried for this flow. */
  choose(
    imp: ImportConfig,
    port: number,
    clientIp: string | undefined,
    exclude?: ReadonlySet<string>,
  ): Endpoint | undefined {
    if (imp.site !== undefined)
      return this.directory
        .endpoints(imp.name, imp.namespace, port, imp.protocol)
        .find((e) => e.site === imp.site);
    const key = choiceKey(imp, port);
    const choice = this.compiled(imp, port, key);
    if (choice === undefined) return undefined;
    const now = this.runtime.now();
    const selection =
      exclude === undefined || exclude.size === 0
        ? selectFromCompiled(choice.compiled, this.random, this.sessionsFor(key), now, clientIp)
        : selectEndpoint(
            choice.compiled.tiers.flatMap((t) => t.members).filter((c) => !exclude.has(c.site)),
            { ...choice.compiled.client, ...(clientIp === undefined ? {} : { clientIp }) },
            choice.compiled.policy,
            this.random,
          );
    return selection === undefined ? undefined : choice.endpoints.get(selection.candidate.id);
  }

  /** A flow to `site` started / ended: keeps the outstanding counts the choice balances on. */
  opened(imp: ImportConfig, port: number, site: string): void {
    this.adjust(choiceKey(imp, port), site, +1);
  }

  closed(imp: ImportConfig, port: number, site: string, answered: boolean): void {
    const key = choiceKey(imp, port);
    this.adjust(key, site, -1);
    if (answered) this.outliers.recordSuccess(`${key}/${site}`, this.runtime.now());
  }

  /** `site` refused a new flow before answering: passive outlier detection counts it. */
  failed(imp: ImportConfig, port: number, site: string): void {
    const key = choiceKey(imp, port);
    const peers = [...(this.cache.get(key)?.endpoints.keys() ?? [])].map((s) => `${key}/${s}`);
    const ejectedFor = this.outliers.recordFailure(`${key}/${site}`, this.runtime.now(), peers);
    if (ejectedFor === undefined) return;
    this.ejections += 1;
    this.metrics.ejections.inc({ service: imp.name, namespace: imp.namespace, site });
    this.logger.warn(
      { service: serviceKey(imp.name, imp.namespace), site, ejectedForMs: ejectedFor },
      'endpoint ejected after consecutive failures',
    );
  }

  private adjust(key: string, site: string, delta: number): void {
    const id = `${key}/${site}`;
    const next = Math.max(0, (this.outstanding.get(id) ?? 0) + delta);
    this.outstanding.set(id, next);
    const candidate = this.cache.get(key)?.compiled.byId.get(site)?.candidate;
    if (candidate !== undefined) candidate.outstanding = next;
  }

  private compiled(imp: ImportConfig, port: number, key: string): CachedChoice | undefined {
    const now = this.runtime.now();
    // Checked on every new flow, so only counters and references: no allocation on a cache hit.
    const stamp = `${this.directory.model.version}/${this.lsdb.version}/${this.ejections}`;
    const cached = this.cache.get(key);
    if (
      cached !== undefined &&
      cached.stamp === stamp &&
      cached.config === this.config() &&
      now < cached.validUntil
    )
      return cached;
    const endpoints = this.directory.endpoints(imp.name, imp.namespace, port, imp.protocol);
    if (endpoints.length === 0) return undefined;
    const ejected = endpoints
      .filter((e) => this.outliers.isEjected(`${key}/${e.site}`, now))
      .map((e) => e.site);
    const validUntil = Math.min(
      Infinity,
      ...ejected.map((site) => this.outliers.ejectedUntil(`${key}/${site}`)),
    );
    const site = this.config().site;
    const candidates: Candidate[] = endpoints.map((e) => {
      const advert = this.lsdb.get(e.site);
      return {
        id: e.site,
        site: e.site,
        zone: e.site === site.id ? site.zone : (advert?.zone ?? ''),
        region: e.site === site.id ? site.region : (advert?.region ?? ''),
        healthy: true, // unready and unreachable sites are not endpoints at all
        ejected: ejected.includes(e.site),
        outstanding: this.outstanding.get(`${key}/${e.site}`) ?? 0,
      };
    });
    const choice: CachedChoice = {
      stamp,
      config: this.config(),
      validUntil,
      endpoints: new Map(endpoints.map((e) => [e.site, e])),
      compiled: compilePolicy(
        candidates,
        { site: site.id, zone: site.zone, region: site.region },
        this.policyFor(imp),
      ),
    };
    this.cache.set(key, choice);
    return choice;
  }

  /** The site's configured policy for the service; else the service's own trafficDistribution. */
  private policyFor(imp: ImportConfig): TrafficPolicy {
    const configured = this.config().policies.find(
      (p) => p.service === imp.name && p.namespace === imp.namespace,
    );
    if (configured !== undefined) {
      const { service: _service, namespace: _namespace, ...policy } = configured;
      return policy;
    }
    const service = this.directory.service(imp.name, imp.namespace);
    // Reads of a single-writer service go to the nearest endpoint: the holder is far for most sites.
    const close =
      service?.trafficDistribution === 'PreferClose' ||
      writePolicyOf(service).type === 'single-writer';
    return { locality: close ? 'PreferClose' : 'Any', affinity: 'none' };
  }

  private sessionsFor(key: string): SessionTable {
    let table = this.sessions.get(key);
    if (table === undefined) {
      table = new SessionTable();
      this.sessions.set(key, table);
    }
    return table;
  }
}

/** Choices, counts and ejections are per service port and protocol: UDP 53 and TCP 53 are two backends. */
function choiceKey(imp: ImportConfig, port: number): string {
  const key = `${serviceKey(imp.name, imp.namespace)}:${port}`;
  return imp.protocol === 'UDP' ? `${key}/udp` : key;
}
