import { Gauge, type Registry } from 'prom-client';
import type { DrillReport, DrillView } from '../api/index.js';
import type { LinkImpairment } from '../link/index.js';
import type { Logger } from '../observability/index.js';
import type { Runtime } from '../runtime/index.js';
import { DrillBook, type DrillEnd } from './drill-book.js';
import type { DrillTrust } from './drill-signature.js';
import { impairmentOf } from './drill-effects.js';
import {
  DRILL_KINDS,
  decodeDrillMessage,
  decodeDrillPayload,
  encodeDrillMessage,
  type DrillMessage,
  type DrillStart,
} from './drill-message.js';
import { DrillRecorder, type CounterReading } from './drill-recorder.js';
import { drillSummary, drillView } from './drill-view.js';

/** A peer a drill message can be sent to, across a cut too. */
export interface DrillPeer {
  readonly peer: string;
  pickSessionThroughCut(): { sendControl(payload: Buffer): void } | undefined;
}

export interface DrillExchangeDeps {
  self: string;
  /** `drills.json` of the site directory. */
  file: string;
  trust(): DrillTrust;
  peers(): Iterable<DrillPeer>;
  /** Applies the drills in force to this site's links. */
  impair(impairment: LinkImpairment): void;
  /** The partition verdict now, for the report. */
  majority(): boolean | undefined;
  writesRefused: CounterReading;
  registry: Registry;
  runtime: Runtime;
  logger: Logger;
}

/**
 * The drills of one router: takes signed drill messages from the local API and from peers,
 * floods each new one to every peer (across cut links: drill messages pass the cut), tells a new
 * peer what is in force, applies the drills to the links, and counts, logs and records each.
 */
export class DrillExchange {
  private readonly book: DrillBook;
  private readonly recorder: DrillRecorder;
  private readonly active: Gauge;
  private readonly endedViews: DrillView[] = [];

  constructor(private readonly deps: DrillExchangeDeps) {
    this.active = new Gauge({
      name: 'causeway_drill_active',
      help: 'Failure drills in force at this router, by kind (partition, site-loss, latency, loss).',
      labelNames: ['kind'],
      registers: [deps.registry],
    });
    for (const kind of DRILL_KINDS) this.active.set({ kind }, 0);
    this.recorder = new DrillRecorder(deps);
    this.book = new DrillBook({
      file: deps.file,
      trust: () => deps.trust(),
      runtime: deps.runtime,
      logger: deps.logger,
      changed: (drill, change) => this.changed(drill, change),
    });
  }

  /** Restores the drills of `drills.json` (each keeps its deadline) and applies them. */
  async load(): Promise<void> {
    await this.book.load();
    this.apply();
  }

  /** A drill message from the local API: refused with CW_DRILL_REFUSED, or applied and flooded. */
  submit(raw: unknown): DrillView {
    const message = decodeDrillMessage(raw);
    const verdict = this.book.offer(message);
    if (verdict.kind !== 'known') this.flood(message, undefined);
    const drill = this.book.inForce().find((d) => d.id === message.id);
    if (drill !== undefined) return drillView(drill);
    const ended = this.endedViews.find((v) => v.id === message.id);
    if (ended !== undefined) return ended;
    return { ...stubView(message), ended: 'stopped' };
  }

  /** A drill message from `peer`; refusals are logged, never passed on. */
  receive(peer: string, payload: Buffer): void {
    try {
      const message = decodeDrillPayload(payload);
      if (this.book.offer(message).kind !== 'known') this.flood(message, peer);
    } catch (err) {
      this.deps.logger.warn({ peer, err }, 'drill message refused');
    }
  }

  /** A new connection to a peer (cut or not) hears of every drill in force and of early stops. */
  syncPeer(session: { sendControl(payload: Buffer): void }): void {
    for (const m of this.book.syncMessages()) session.sendControl(encodeDrillMessage(m));
  }

  /** Drills in force here. */
  inForce(): DrillView[] {
    return this.book.inForce().map((d) => drillView(d));
  }

  /** Drills in force and those ended here since start, newest last. */
  list(): DrillView[] {
    return [...this.endedViews, ...this.inForce()];
  }

  report(id?: string): Promise<DrillReport | undefined> {
    return this.recorder.report(id);
  }

  close(): void {
    this.book.close();
    this.recorder.close();
  }

  /** Every write of `drills.json` so far is done. */
  flushed(): Promise<void> {
    return this.book.flushed();
  }

  private changed(drill: DrillStart, change: 'started' | DrillEnd): void {
    const { logger } = this.deps;
    const line = { drill: drill.id, kind: drill.kind, sites: drill.sites, issuer: drill.issuer };
    if (change === 'started') {
      logger.warn(
        { ...line, endsAt: new Date(drill.endsAt).toISOString() },
        `drill started: ${drillSummary(drill)}`,
      );
      this.recorder.started(drill);
    } else {
      logger.warn({ ...line, why: change }, `drill ended (${change}): ${drillSummary(drill)}`);
      this.recorder.ended(drill, change);
      this.endedViews.push(drillView(drill, { at: this.deps.runtime.now(), why: change }));
      if (this.endedViews.length > 20) this.endedViews.shift();
    }
    this.apply();
  }

  private apply(): void {
    const drills = this.book.inForce();
    for (const kind of DRILL_KINDS)
      this.active.set({ kind }, drills.filter((d) => d.kind === kind).length);
    this.deps.impair(impairmentOf(this.deps.self, drills, () => this.deps.runtime.random()));
  }

  private flood(message: DrillMessage, from: string | undefined): void {
    const payload = encodeDrillMessage(message);
    for (const link of this.deps.peers()) {
      if (link.peer === from) continue;
      link.pickSessionThroughCut()?.sendControl(payload);
    }
  }
}

/** The view of a stop whose drill this router never saw in force. */
function stubView(m: DrillMessage): DrillView {
  const at = new Date(m.issuedAt).toISOString();
  return {
    ...{ id: m.id, kind: 'partition', sites: [], addMs: null, jitterMs: null, percent: null },
    ...{ issuer: m.issuer, issuedAt: at, endsAt: at, endedAt: at, ended: 'stopped' },
    summary: `drill ${m.id} (not in force here)`,
  };
}
