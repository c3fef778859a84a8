import { connect } from 'node:net';
import type { DirectView } from '../api/index.js';
import {
  directPath,
  networkChange,
  type DirectPath,
  type PathNetwork,
  type ProbeState,
} from '../network/index.js';
import type { SiteAdvert } from '../routing/index.js';
import type { Runtime, Timer } from '../runtime/index.js';

/** Opens a TCP connection and closes it: true when the far end accepted within the timeout. */
export type Dial = (host: string, port: number, timeoutMs: number) => Promise<boolean>;

export interface DirectPathsDeps {
  self: string;
  /** This site's network (its config). */
  network(): PathNetwork;
  /** The adverts this site holds, its own included. */
  adverts(): readonly SiteAdvert[];
  runtime: Runtime;
  /** A site's path changed between direct and router: slices and DNS answers are to be redone. */
  changed(): void;
  dial?: Dial;
  /**
   * How often each remote site's Pods are probed. With the default 250 ms and a 200 ms connect
   * timeout, a dead direct path is found within 450 ms, inside the 1 s failover goal.
   */
  intervalMs?: number;
  timeoutMs?: number;
}

/**
 * Direct paths from this site to the Pods of others: remembers each site's advertised network (a
 * change of CIDRs is a conflict until a new probe succeeds), probes one ready direct endpoint of
 * each candidate site, and answers per site whether imports use the Pods or the router.
 */
export class DirectPaths {
  private readonly probes = new Map<string, ProbeState>();
  private readonly seen = new Map<string, PathNetwork>();
  private readonly changes = new Map<string, string>();
  private readonly inFlight = new Set<string>();
  private timer: Timer | undefined;
  private readonly dial: Dial;

  constructor(private readonly deps: DirectPathsDeps) {
    this.dial = deps.dial ?? dialTcp;
  }

  start(): void {
    this.timer = this.deps.runtime.every(this.deps.intervalMs ?? 250, () => this.probeAll());
    this.timer.unref();
    this.probeAll();
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** Direct or router for imports from `site`, and why. */
  pathTo(site: string): DirectPath {
    const advert = this.remote(site);
    return directPath(
      this.deps.network(),
      advert?.network,
      this.probes.get(site) ?? 'unknown',
      this.changes.get(site),
    );
  }

  /** The remote Pods of a service that this site reaches directly. */
  directFor(name: string, namespace: string): DirectView[] {
    return this.deps
      .adverts()
      .filter((a) => a.origin !== this.deps.self && this.pathTo(a.origin).mode === 'direct')
      .flatMap((a) =>
        (a.services.find((s) => s.name === name && s.namespace === namespace)?.direct ?? []).map(
          (d) => ({ site: a.origin, ...d }),
        ),
      );
  }

  /** One probe round: every remote site that could go direct, one ready Pod each. */
  probeAll(): void {
    for (const advert of this.deps.adverts()) {
      if (advert.origin === this.deps.self) continue;
      this.noteNetwork(advert);
      const target = probeTarget(advert);
      const declared = directPath(this.deps.network(), advert.network, 'up').mode === 'direct';
      if (target === undefined || !declared || this.inFlight.has(advert.origin)) continue;
      this.inFlight.add(advert.origin);
      void this.dial(target.host, target.port, this.deps.timeoutMs ?? 200).then((ok) => {
        this.inFlight.delete(advert.origin);
        this.record(advert.origin, ok ? 'up' : 'down');
      });
    }
  }

  private record(site: string, state: ProbeState): void {
    const before = this.pathTo(site).mode;
    this.probes.set(site, state);
    // A success after a CIDR change confirms the new network: the conflict is settled.
    if (state === 'up') this.changes.delete(site);
    if (this.pathTo(site).mode !== before) this.deps.changed();
  }

  private noteNetwork(advert: SiteAdvert): void {
    const next = advert.network;
    const change = networkChange(advert.origin, this.seen.get(advert.origin), next);
    if (next !== undefined) this.seen.set(advert.origin, next);
    if (change === undefined) return;
    const before = this.pathTo(advert.origin).mode;
    this.changes.set(advert.origin, change);
    this.probes.set(advert.origin, 'unknown');
    if (before === 'direct') this.deps.changed();
  }

  /** Unsettled CIDR changes, per site: the NetworkChanged condition of `status`. */
  conflicts(): Array<{ site: string; message: string }> {
    return [...this.changes.entries()].map(([site, message]) => ({ site, message }));
  }

  private remote(site: string): SiteAdvert | undefined {
    return this.deps.adverts().find((a) => a.origin === site);
  }
}

function probeTarget(advert: SiteAdvert): { host: string; port: number } | undefined {
  for (const s of advert.services)
    for (const d of s.direct ?? []) {
      const port = d.ports[0]?.targetPort;
      if (d.ready && port !== undefined) return { host: d.address, port };
    }
  return undefined;
}

/** The real probe: a TCP handshake, then close. */
export const dialTcp: Dial = (host, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
