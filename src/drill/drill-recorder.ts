import type { DrillReport } from '../api/index.js';
import { subscribeEvent } from '../observability/index.js';
import type { Runtime, Timer } from '../runtime/index.js';
import type { DrillEnd } from './drill-book.js';
import type { DrillStart } from './drill-message.js';
import { drillView } from './drill-view.js';

/** How long after a drill ends its report still records: links coming back, safe mode left, leases settling. */
export const AFTERMATH_MS = 15_000;
/** How often the partition verdict is sampled while recording (it has no event of its own). */
const SAMPLE_MS = 100;
/** Reports kept, newest last. */
const KEPT = 10;

/** A counter as prom-client reads it back: the labelled values so far. */
export interface CounterReading {
  get(): Promise<{
    values: Array<{ labels: Record<string, string | number | undefined>; value: number }>;
  }>;
}

export interface DrillRecorderDeps {
  self: string;
  /** The partition view's verdict now (undefined before the first evaluation). */
  majority(): boolean | undefined;
  writesRefused: CounterReading;
  runtime: Runtime;
}

interface Recording {
  report: DrillReport;
  startedAt: number;
  endedAt: number | undefined;
  lastMajority: boolean | undefined;
  writesBefore: Map<string, number>;
  writesAfter: Map<string, number> | undefined;
  flows: Map<string, number>;
}

/**
 * Records what this site saw during each drill, from the router's own events: links lost and
 * back, the partition verdict, lease hand-overs, refused and failed flows, writes refused with
 * 503. Subscribed only while a drill is in force or in its aftermath.
 */
export class DrillRecorder {
  private readonly recordings: Recording[] = [];
  private unsubscribe: (() => void) | undefined;
  private sampler: Timer | undefined;
  private stopAt = 0;

  constructor(private readonly deps: DrillRecorderDeps) {}

  /** Starts a report for `drill` (taken in force here now). */
  started(drill: DrillStart): void {
    const now = this.deps.runtime.now();
    const rec: Recording = {
      report: {
        ...{
          site: this.deps.self,
          drill: drillView(drill),
          startedHere: new Date(now).toISOString(),
        },
        ...{ linksLost: [], linksBack: [], safeMode: [], leaseHandovers: [], flows: [] },
        ...{ writesRefused: [], recording: true },
      },
      ...{ startedAt: now, endedAt: undefined, lastMajority: this.deps.majority() },
      ...{ writesBefore: new Map(), writesAfter: undefined, flows: new Map() },
    };
    void readCounter(this.deps.writesRefused).then((m) => (rec.writesBefore = m));
    // What follows belongs to the new drill, not to the aftermath of one already ended.
    for (const r of this.recording()) if (r.endedAt !== undefined) this.finish(r);
    this.recordings.push(rec);
    if (this.recordings.length > KEPT) this.recordings.shift();
    this.listen();
  }

  /** The drill ended here; its report records the aftermath a while longer. */
  ended(drill: DrillStart, why: DrillEnd): void {
    const rec = this.find(drill.id);
    if (rec === undefined) return;
    const now = this.deps.runtime.now();
    rec.endedAt = now;
    rec.report.drill = drillView(drill, { at: now, why });
    // Recording stops one aftermath after the last drill in force has ended.
    if (this.recording().every((r) => r.endedAt !== undefined)) this.stopAt = now + AFTERMATH_MS;
  }

  /** The report of drill `id`, or of the newest drill. */
  async report(id?: string): Promise<DrillReport | undefined> {
    const rec = id === undefined ? this.recordings.at(-1) : this.find(id);
    if (rec === undefined) return undefined;
    // A report read right after a verdict changed has it, as `status` read at that moment would.
    this.sampleMajority(this.deps.runtime.now());
    const after = rec.writesAfter ?? (await readCounter(this.deps.writesRefused));
    rec.report.writesRefused = [...after]
      .map(([key, value]) => ({ key, count: value - (rec.writesBefore.get(key) ?? 0) }))
      .filter((w) => w.count > 0)
      .map(({ key, count }) => {
        const [service = '', lease = '', reason = ''] = JSON.parse(key) as string[];
        return { service, lease, reason, count };
      });
    rec.report.flows = [...rec.flows].map(([key, count]) => {
      const [service = '', outcome = ''] = JSON.parse(key) as string[];
      return { service, outcome, count };
    });
    return structuredClone(rec.report);
  }

  close(): void {
    this.unsubscribe?.();
    this.sampler?.cancel();
  }

  private find(id: string): Recording | undefined {
    return this.recordings.find((r) => r.report.drill.id === id);
  }

  private recording(): Recording[] {
    return this.recordings.filter((r) => r.report.recording);
  }

  private listen(): void {
    this.stopAt = Number.POSITIVE_INFINITY;
    if (this.unsubscribe !== undefined) return;
    const { self, runtime } = this.deps;
    const mine =
      <E extends { site: string }>(fn: (e: E, now: number) => void) =>
      (e: E) => {
        if (e.site === self) fn(e, runtime.now());
      };
    const offs = [
      subscribeEvent(
        'linkDown',
        mine((e, now) =>
          this.each((r) => {
            if (r.endedAt === undefined)
              r.report.linksLost.push({ peer: e.peer.site, afterMs: now - r.startedAt });
          }),
        ),
      ),
      subscribeEvent(
        'linkUp',
        mine((e, now) =>
          this.each((r) => {
            if (r.endedAt !== undefined)
              r.report.linksBack.push({ peer: e.peer.site, afterEndMs: now - r.endedAt });
          }),
        ),
      ),
      subscribeEvent(
        'leaseChange',
        mine((e, now) =>
          this.each((r) => {
            const last = r.report.leaseHandovers.filter((h) => h.lease === e.lease).at(-1);
            if (last?.holder === e.holder && last.fencingToken === e.fencingToken) return;
            r.report.leaseHandovers.push({
              ...{ lease: e.lease, holder: e.holder, fencingToken: e.fencingToken, kind: e.kind },
              afterMs: now - r.startedAt,
            });
          }),
        ),
      ),
      subscribeEvent(
        'flowClose',
        mine((e) => {
          if (e.opened && e.outcome === 'closed') return;
          const key = JSON.stringify([`${e.service}.${e.namespace}`, e.outcome]);
          this.each((r) => r.flows.set(key, (r.flows.get(key) ?? 0) + 1));
        }),
      ),
    ];
    this.unsubscribe = () => offs.forEach((off) => off());
    this.sampler = runtime.every(SAMPLE_MS, () => this.sample()).unref();
  }

  private finish(r: Recording): void {
    r.report.recording = false;
    void readCounter(this.deps.writesRefused).then((m) => (r.writesAfter = m));
  }

  private each(fn: (r: Recording) => void): void {
    this.recording().forEach(fn);
  }

  /** Notes a change of the partition verdict in every report still recording. */
  private sampleMajority(now: number): void {
    const majority = this.deps.majority();
    this.each((r) => {
      if (majority === undefined || majority === r.lastMajority) return;
      r.lastMajority = majority;
      r.report.safeMode.push({ majority, afterMs: now - r.startedAt });
    });
  }

  private sample(): void {
    const now = this.deps.runtime.now();
    this.sampleMajority(now);
    if (now < this.stopAt) return;
    for (const r of this.recording()) this.finish(r);
    this.close();
    this.unsubscribe = undefined;
    this.sampler = undefined;
  }
}

/** The counter's values keyed by [service, lease, reason]. */
async function readCounter(counter: CounterReading): Promise<Map<string, number>> {
  const { values } = await counter.get();
  const out = new Map<string, number>();
  for (const v of values) {
    const { service, namespace, lease, reason } = v.labels;
    out.set(JSON.stringify([`${service}.${namespace}`, String(lease), String(reason)]), v.value);
  }
  return out;
}
