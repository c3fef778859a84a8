import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../src/policy/index.js';
import type { CutWindow } from './ledger-audit.js';
import type { LedgerLab } from './ledger-lab.js';

export interface ChaosOptions {
  cycles: number;
  seed: number;
  /** How long a region stays cut: drawn from [min, max] ms each cycle. */
  cutMs: readonly [number, number];
  /** How long the lease holder stays cut, when it is the one (default: cutMs). */
  holderCutMs?: readonly [number, number];
  /** How long everything stays healed between cuts. */
  healMs: readonly [number, number];
  /** Log a line per cycle (the bench does; the test stays quiet). */
  log?: (line: string) => void;
  /**
   * Stages one cut of `region` for `ms` and resolves once it has healed; by default the region's
   * bridge port goes down and up again.
   */
  stage?: (region: string, ms: number) => Promise<void>;
}

/** One cut: which region, and whether it held the lease when it was cut (a failover follows). */
export interface ChaosCut extends CutWindow {
  wasHolder: boolean;
}

/**
 * Cuts one region off the WAN at a time (its bridge port down: packets vanish, no RST) and heals
 * it, for a bounded number of cycles. Every other cut takes the current lease holder, so the
 * run exercises failovers, not only cuts of a follower.
 */
export async function runChaos(lab: LedgerLab, options: ChaosOptions): Promise<ChaosCut[]> {
  const random = seededRandom(options.seed);
  const between = ([min, max]: readonly [number, number]): number =>
    min + Math.floor(random() * (max - min + 1));
  const cuts: ChaosCut[] = [];
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const holder = await holderSeenByAll(lab);
    const others = lab.regions.filter((r) => r !== holder);
    const takeHolder = holder !== undefined && cycle % 2 === 0;
    const region = takeHolder ? holder : (others[Math.floor(random() * others.length)] ?? 'eu');
    const from = Date.now();
    const ms = between(region === holder ? (options.holderCutMs ?? options.cutMs) : options.cutMs);
    await (options.stage ?? ((r, d) => cutAndHeal(lab, r, d)))(region, ms);
    const to = Date.now();
    cuts.push({ region, from, to, wasHolder: region === holder });
    options.log?.(
      `cycle ${cycle + 1}/${options.cycles}: cut ${region}${region === holder ? ' (holder)' : ''} for ${to - from} ms`,
    );
    await sleep(between(options.healMs));
  }
  return cuts;
}

/** Takes the region's bridge port down for `ms` (packets vanish, no RST), then up again. */
async function cutAndHeal(lab: LedgerLab, region: string, ms: number): Promise<void> {
  await lab.lab.cut(region);
  await sleep(ms);
  await lab.lab.heal(region);
}

/** The holder every region agrees on, if they do (they may not, right after a heal). */
async function holderSeenByAll(lab: LedgerLab): Promise<string | undefined> {
  const seen = await Promise.all(lab.regions.map((r) => lab.holder(r).catch(() => undefined)));
  const first = seen[0]?.holder;
  return seen.every((s) => s?.holder === first) ? first : undefined;
}
