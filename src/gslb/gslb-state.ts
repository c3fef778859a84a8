import type { ServicesSnapshot, StatusReport } from '../api/index.js';
import {
  checkVerdict,
  countVotes,
  voteKey,
  type CheckReport,
  type CheckVotes,
} from './check-report.js';
import { chooseTargets, type Choice, type GslbClient } from './choose-targets.js';
import type { GslbConfig, GslbRecord } from './gslb-config.js';
import type { GslbView } from './gslb-view.js';
import { HealthHistory, type HealthTransition } from './health-history.js';
import { RegionTable } from './region-table.js';

/** What one router told us: its clusterset snapshot and, from its status, partition and link RTTs. */
export interface RouterObservation {
  snapshot?: ServicesSnapshot;
  status?: Pick<StatusReport, 'site' | 'links' | 'partition'> & {
    leases?: StatusReport['leases'];
  };
}

/**
 * The GSLB's picture of the world: configuration plus what the feeding routers report. Implements
 * the view the answer code reads; time is passed in (`now`), so tests need no clock.
 */
export class GslbState implements GslbView {
  private config: GslbConfig;
  private regions: RegionTable;
  private records = new Map<string, GslbRecord>();
  private below = new Set<string>();
  private configSerial: number;
  private readonly observations = new Map<string, RouterObservation>();
  private readonly history = new HealthHistory();
  private current = 0;
  // Derived from the observations at each change, not per query: a query reads two fields.
  private ready = new Map<string, Set<string>>();
  private isServing = false;
  private servedBefore = false;
  /** After a gap this server stays silent until it has seen one full hold-down itself. */
  private warmUntil = Number.NEGATIVE_INFINITY;
  private changes = 0;
  /** The latest report of each health checker (this server's own among them). */
  private readonly checkReports = new Map<string, CheckReport>();
  private votes = new Map<string, CheckVotes>();
  /** Healthy sites per health key (see healthKey), derived at each change like `ready`. */
  private healthyByKey = new Map<string, Set<string>>();

  constructor(config: GslbConfig, now: number) {
    this.config = config;
    this.regions = new RegionTable(config.geo);
    this.configSerial = Math.floor(now / 1000);
    this.current = now;
    this.index();
    this.refresh(now);
  }

  get zone(): string {
    return this.config.zone;
  }

  get nameServers(): GslbConfig['nameServers'] {
    return this.config.nameServers;
  }

  /** Replaces the configuration (file edited); health history is kept. */
  reconfigure(config: GslbConfig, now: number): HealthTransition[] {
    this.config = config;
    this.regions = new RegionTable(config.geo);
    // A serial that only moves forward (RFC 1982), even when two edits land in one second.
    this.configSerial = Math.max(this.configSerial + 1, Math.floor(now / 1000));
    this.index();
    return this.refresh(now);
  }

  /** Takes a router's latest report and returns the health changes it caused. */
  observe(source: string, observation: RouterObservation, now: number): HealthTransition[] {
    this.observations.set(source, { ...this.observations.get(source), ...observation });
    return this.refresh(now);
  }

  /** Forgets a router (its stream ended); its sites count as unknown until it reports again. */
  forget(source: string, now: number): HealthTransition[] {
    this.observations.delete(source);
    return this.refresh(now);
  }

  /** Takes a checker's latest results (undefined: it went silent, its votes no longer count). */
  observeChecks(checker: string, report: CheckReport | undefined, now: number): HealthTransition[] {
    if (report === undefined) this.checkReports.delete(checker);
    else this.checkReports.set(checker, report);
    this.votes = countVotes(this.checkReports.values());
    return this.refresh(now);
  }

  /** The checkers' votes on one site of a record, and the verdict they give. */
  checkVotes(record: GslbRecord, site: string): { votes?: CheckVotes; healthy?: boolean } {
    const votes = this.votes.get(voteKey(record.name, site));
    const healthy =
      record.healthCheck === undefined
        ? undefined
        : checkVerdict(votes, record.healthCheck.healthyShare);
    return {
      ...(votes === undefined ? {} : { votes }),
      ...(healthy === undefined ? {} : { healthy }),
    };
  }

  /** Every counted vote, for `/v1/checks` and operators: which checkers agree on what. */
  allVotes(): NonNullable<CheckReport['votes']> {
    return [...this.votes].map(([key, v]) => {
      const [record = '', site = ''] = key.split('\u0000');
      return { record, site, ...v };
    });
  }

  /** Sites healthy for `record`: ready in the clusterset and not failed by its active checks. */
  healthySites(record: GslbRecord): ReadonlySet<string> {
    const ready = this.readySites(record.service);
    if (record.healthCheck === undefined) return ready;
    return new Set([...ready].filter((site) => this.checkVotes(record, site).healthy !== false));
  }

  record(name: string): GslbRecord | undefined {
    return this.records.get(name);
  }

  hasNamesBelow(name: string): boolean {
    return this.below.has(name);
  }

  serving(): boolean {
    return this.isServing && this.current >= this.warmUntil;
  }

  serial(): number {
    return this.configSerial;
  }

  choose(record: GslbRecord, client: GslbClient): Choice {
    const healthy = this.healthyByKey.get(healthKey(record)) ?? this.healthySites(record);
    return chooseTargets(record, client, {
      healthy: (site) => healthy.has(site),
      healthySince: (site) => this.history.healthySince(healthKey(record), site),
      now: this.current,
      regions: this.regions,
      latency: (from, to) => this.latency(from, to),
      leaseHolder:
        record.writerLease === undefined ? undefined : this.leaseHolder(record.writerLease),
    });
  }

  /** Advances the clock the hold-down is measured against (the server calls this per query batch). */
  tick(now: number): void {
    this.current = now;
  }

  /** Sites whose backing service has ready endpoints, as any router on the majority side sees them. */
  readySites(service: string): ReadonlySet<string> {
    return this.ready.get(service) ?? this.computeReadySites(service);
  }

  private computeReadySites(service: string): Set<string> {
    const [namespace, name] = service.split('/');
    const ready = new Set<string>();
    for (const { snapshot } of this.majorityObservations()) {
      const view = snapshot?.services.find((s) => s.name === name && s.namespace === namespace);
      if (view === undefined) continue;
      const unreachable = new Set(snapshot?.unreachable ?? []);
      // Routers without `readySites` report exporting sites only; readiness is then the export itself.
      for (const site of view.readySites ?? view.sites) if (!unreachable.has(site)) ready.add(site);
    }
    return ready;
  }

  /** True when some router reports `service` (namespace/name) in its clusterset view. */
  knowsService(service: string): boolean {
    const [namespace, name] = service.split('/');
    return [...this.observations.values()].some(
      ({ snapshot }) =>
        snapshot?.services.some((s) => s.name === name && s.namespace === namespace) === true,
    );
  }

  /**
   * The site holding `lease` as the majority's routers see it: a live term only, so a holder cut
   * off from the lease store stops getting writers once its term ends, as its writes do.
   */
  leaseHolder(lease: string): string | undefined {
    for (const { status } of this.majorityObservations()) {
      const report = status?.leases?.find((l) => l.name === lease);
      if (report?.live === true && report.holder !== null) return report.holder;
    }
    return undefined;
  }

  /** Milliseconds between two regions: the configured table first, then RTTs the routers measured. */
  latency(from: string, to: string): number | undefined {
    const configured = this.config.latency[from]?.[to];
    if (configured !== undefined) return configured;
    let best: number | undefined;
    for (const { status } of this.observations.values()) {
      if (status === undefined) continue;
      for (const link of status.links) {
        if (link.rttMs === null) continue;
        const matches =
          (status.site.region === from && link.region === to) ||
          (status.site.region === to && link.region === from);
        if (matches && (best === undefined || link.rttMs < best)) best = link.rttMs;
      }
    }
    return best;
  }

  private majorityObservations(): RouterObservation[] {
    // A router with no partition report has no members to lose: it counts as the majority.
    return [...this.observations.values()].filter(
      (o) => o.snapshot !== undefined && o.status?.partition?.majority !== false,
    );
  }

  /** Bumped on every change of configuration or observations: cached answers of another version are stale. */
  version(): number {
    return this.changes;
  }

  /**
   * The first moment after `now` at which answers may change with no new observation: the end of a
   * hold-down or of the warm-up. Infinity when nothing is pending.
   */
  nextChangeAfter(now: number): number {
    let next = this.warmUntil > now ? this.warmUntil : Number.POSITIVE_INFINITY;
    for (const record of this.config.records) {
      for (const target of record.targets) {
        const end =
          (this.history.healthySince(healthKey(record), target.site) ?? Number.NEGATIVE_INFINITY) +
          record.holdDownSeconds * 1000;
        if (end > now && end < next) next = end;
      }
    }
    return next;
  }

  private refresh(now: number): HealthTransition[] {
    this.changes += 1;
    this.current = now;
    const wasServing = this.isServing;
    this.isServing = this.majorityObservations().length > 0;
    const rejoined = this.isServing && !wasServing && this.servedBefore;
    this.servedBefore ||= this.isServing;
    const keys = new Map<string, { sites: Set<string>; record: GslbRecord }>();
    for (const record of this.config.records) {
      const entry = keys.get(healthKey(record)) ?? { sites: new Set<string>(), record };
      for (const t of record.targets) entry.sites.add(t.site);
      keys.set(healthKey(record), entry);
    }
    this.ready = new Map(
      [...new Set(this.config.records.map((r) => r.service))].map((service) => [
        service,
        this.computeReadySites(service),
      ]),
    );
    this.healthyByKey = new Map(
      [...keys].map(([key, { record }]) => [key, new Set(this.healthySites(record))]),
    );
    const changes: HealthTransition[] = [];
    // Without a view from the majority nothing is known; looking now would start every hold-down.
    if (!this.isServing) return changes;
    for (const [key, { sites }] of keys)
      changes.push(...this.history.observe(key, [...sites], this.healthyByKey.get(key)!, now));
    if (rejoined) {
      // Back from the minority side: peers applied hold-downs we never saw (a region that was cut
      // off with us looks healthy throughout from here). Restart every hold-down and answer nothing
      // until the longest has passed, so resolvers keep asking the servers that saw it all.
      this.history.restartFrom(now);
      this.warmUntil =
        now + Math.max(0, ...this.config.records.map((r) => r.holdDownSeconds * 1000));
    }
    return changes;
  }

  private index(): void {
    this.records = new Map(this.config.records.map((r) => [r.name, r]));
    this.below = new Set();
    const names = [
      ...this.config.records.map((r) => r.name),
      ...this.config.nameServers.map((n) => n.name),
    ];
    for (const name of names) {
      const labels = name.split('.');
      for (let i = 1; i < labels.length; i++) {
        const ancestor = labels.slice(i).join('.');
        if (ancestor === this.config.zone) break;
        this.below.add(ancestor);
      }
    }
  }
}

/**
 * What a record's health history is kept under: its service, shared by every record of it, unless
 * the record has its own active checks, which make its health its own.
 */
function healthKey(record: GslbRecord): string {
  return record.healthCheck === undefined ? record.service : `${record.service}@${record.name}`;
}
