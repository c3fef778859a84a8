import { CausewayError, ErrorCode } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
import type { Runtime, Timer } from '../runtime/index.js';
import { readStateFile, replaceFile } from '../site-files/index.js';
import {
  decodeDrillMessage,
  MAX_DRILL_MS,
  type DrillMessage,
  type DrillStart,
  type DrillStop,
} from './drill-message.js';
import { verifyDrill, type DrillTrust } from './drill-signature.js';

/** How far ahead of this router's clock a drill may say it was issued (clocks disagree a little). */
export const CLOCK_SKEW_MS = 30_000;

/** Why a drill stopped being in force. */
export type DrillEnd = 'deadline' | 'stopped';

/** What offering a message to the book did. */
export type DrillVerdict =
  | { kind: 'started'; drill: DrillStart }
  | { kind: 'stopped'; drill: DrillStart | undefined; stop: DrillStop }
  /** Already known (a copy of a flood): nothing to do, nothing to pass on. */
  | { kind: 'known' };

export interface DrillBookDeps {
  file: string;
  /** The clusterset CA and trust domain whose CA key or admin keys may sign drills. */
  trust(): DrillTrust;
  runtime: Runtime;
  logger: Logger;
  /** A drill began or ended here. */
  changed(drill: DrillStart, change: 'started' | DrillEnd): void;
}

interface Ended {
  drill: DrillStart | undefined;
  stop: DrillStop | undefined;
  /** Until when the id is remembered: past a drill's deadline a replay is refused as expired anyway. */
  until: number;
}

/**
 * The drills this router knows: those in force, each with its own deadline timer (a drill ends on
 * time here even if its starter is gone or cut off), and those ended, remembered until their
 * deadline so a replayed start is refused. Kept in `drills.json` across restarts.
 */
export class DrillBook {
  private readonly active = new Map<string, { drill: DrillStart; timer: Timer }>();
  private readonly ended = new Map<string, Ended>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DrillBookDeps) {}

  /** Drills in force, oldest first. */
  inForce(): DrillStart[] {
    return [...this.active.values()].map((a) => a.drill);
  }

  /** What a new peer is told: drills in force and the stops of those ended early. */
  syncMessages(): DrillMessage[] {
    const stops = [...this.ended.values()].flatMap((e) => (e.stop === undefined ? [] : [e.stop]));
    return [...this.inForce(), ...stops];
  }

  /** Reads `drills.json`; drills whose deadline passed while the router was down end now. */
  async load(): Promise<void> {
    const read = await readStateFile(this.deps.file, decodeSaved);
    if (read.kind === 'corrupt' || read.kind === 'unreadable')
      this.deps.logger.warn({ file: this.deps.file }, 'drills.json unreadable: no drill restored');
    if (read.kind !== 'ok') return;
    const now = this.deps.runtime.now();
    for (const e of read.value.ended) if (e.until > now) this.ended.set(e.id, e);
    for (const drill of read.value.active) {
      if (drill.endsAt <= now) this.remember(drill, undefined);
      else this.arm(drill);
    }
    this.save();
  }

  /** Checks and applies one message; throws CW_DRILL_REFUSED when it is forged, expired or replayed. */
  offer(message: DrillMessage): DrillVerdict {
    verifyDrill(message, this.deps.trust(), new Date(this.deps.runtime.now()));
    const now = this.deps.runtime.now();
    if (message.issuedAt > now + CLOCK_SKEW_MS)
      refuse(message, `issued ${message.issuedAt - now} ms in the future by this router's clock`);
    return message.type === 'drill' ? this.start(message, now) : this.stop(message);
  }

  /** Stops every timer (the router stops; the file keeps the drills for the next start). */
  close(): void {
    for (const { timer } of this.active.values()) timer.cancel();
  }

  /** Resolves once every change so far is on disk. */
  flushed(): Promise<void> {
    return this.writes;
  }

  private start(drill: DrillStart, now: number): DrillVerdict {
    if (this.active.has(drill.id)) return { kind: 'known' };
    if (this.ended.has(drill.id)) refuse(drill, 'it has ended already (a replay)');
    if (drill.endsAt <= now) refuse(drill, `it expired ${now - drill.endsAt} ms ago`);
    if (drill.endsAt - drill.issuedAt > MAX_DRILL_MS)
      refuse(drill, 'it would last longer than a day');
    this.arm(drill);
    this.save();
    this.deps.changed(drill, 'started');
    return { kind: 'started', drill };
  }

  private stop(stop: DrillStop): DrillVerdict {
    const entry = this.active.get(stop.id);
    if (entry === undefined) {
      if (this.ended.has(stop.id)) return { kind: 'known' };
      // A stop that overtook its start: remembered, so the start is refused when it arrives.
      this.ended.set(stop.id, { drill: undefined, stop, until: stop.issuedAt + MAX_DRILL_MS });
      this.save();
      return { kind: 'stopped', drill: undefined, stop };
    }
    this.finish(entry.drill, 'stopped', stop);
    return { kind: 'stopped', drill: entry.drill, stop };
  }

  private arm(drill: DrillStart): void {
    const wait = Math.max(0, drill.endsAt - this.deps.runtime.now());
    const timer = this.deps.runtime.after(wait, () => this.finish(drill, 'deadline', undefined));
    this.active.set(drill.id, { drill, timer: timer.unref() });
  }

  private finish(drill: DrillStart, why: DrillEnd, stop: DrillStop | undefined): void {
    const entry = this.active.get(drill.id);
    if (entry === undefined) return;
    entry.timer.cancel();
    this.active.delete(drill.id);
    this.remember(drill, stop);
    this.save();
    this.deps.changed(drill, why);
  }

  private remember(drill: DrillStart, stop: DrillStop | undefined): void {
    this.ended.set(drill.id, { drill, stop, until: drill.endsAt });
  }

  /** One write at a time, each with the state current when it runs. */
  private save(): void {
    const { file, logger } = this.deps;
    this.writes = this.writes
      .then(() => replaceFile(file, `${JSON.stringify(this.saved(), null, 2)}\n`))
      .catch((err: unknown) => logger.warn({ file, err }, 'cannot save drills.json'));
  }

  private saved(): Saved {
    const now = this.deps.runtime.now();
    return {
      active: this.inForce(),
      ended: [...this.ended].filter(([, e]) => e.until > now).map(([id, e]) => ({ id, ...e })),
    };
  }
}

interface Saved {
  active: DrillStart[];
  ended: (Ended & { id: string })[];
}

function decodeSaved(raw: unknown): Saved {
  const value = raw as { active?: unknown; ended?: unknown };
  if (!Array.isArray(value.active) || !Array.isArray(value.ended))
    throw new Error('expected { active: [], ended: [] }');
  const active = value.active.map((d) => decodeDrillMessage(d)).filter(isStart);
  const ended = value.ended.map((e) => {
    const entry = e as { id?: unknown; drill?: unknown; stop?: unknown; until?: unknown };
    if (typeof entry.id !== 'string' || typeof entry.until !== 'number')
      throw new Error('an ended drill needs id and until');
    const drill = entry.drill === undefined ? undefined : decodeDrillMessage(entry.drill);
    const stop = entry.stop === undefined ? undefined : decodeDrillMessage(entry.stop);
    return {
      id: entry.id,
      until: entry.until,
      drill: drill !== undefined && isStart(drill) ? drill : undefined,
      stop: stop !== undefined && !isStart(stop) ? stop : undefined,
    };
  });
  return { active, ended };
}

function isStart(m: DrillMessage): m is DrillStart {
  return m.type === 'drill';
}

function refuse(message: DrillMessage, why: string): never {
  throw new CausewayError(ErrorCode.DrillRefused, `drill ${message.id} refused: ${why}`);
}
