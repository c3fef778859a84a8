import type { LinkImpairment } from '../link/index.js';
import type { DrillStart } from './drill-message.js';

/**
 * What a lost segment costs a TCP connection: one retransmission timeout, whose floor is 200 ms
 * on Linux (TCP_RTO_MIN). A loss drill holds a chunk back by that much rather than dropping it,
 * since the links' TCP would deliver it anyway, only late.
 */
export const RETRANSMIT_MS = 200;

/** Whether the link between `a` and `b` crosses the drill's cut (a partition or a lost site). */
export function crossesCut(drill: DrillStart, a: string, b: string): boolean {
  if (drill.kind !== 'partition' && drill.kind !== 'site-loss') return false;
  const isolated = new Set(drill.sites);
  return isolated.has(a) !== isolated.has(b);
}

/** Whether the drill slows the link between `a` and `b` (latency or loss between exactly them). */
export function slows(drill: DrillStart, a: string, b: string): boolean {
  if (drill.kind !== 'latency' && drill.kind !== 'loss') return false;
  const [x, y] = drill.sites;
  return (a === x && b === y) || (a === y && b === x);
}

/**
 * One inbound chunk's delay on a slowed link. Both ends delay what they receive, so half the
 * added time goes each way and a round trip grows by `addMs` (± `jitterMs`); a loss drill adds a
 * retransmission timeout to `percent` % of the chunks.
 */
export function drawDelay(drills: readonly DrillStart[], random: () => number): number {
  let delay = 0;
  for (const d of drills) {
    if (d.kind === 'latency')
      delay += Math.max(0, (d.addMs ?? 0) / 2 + ((random() * 2 - 1) * (d.jitterMs ?? 0)) / 2);
    if (d.kind === 'loss' && random() * 100 < (d.percent ?? 0)) delay += RETRANSMIT_MS;
  }
  return delay;
}

/** The links' impairment at site `self` under the drills in force. */
export function impairmentOf(
  self: string,
  drills: readonly DrillStart[],
  random: () => number,
): LinkImpairment {
  return {
    cuts: (peer) => drills.some((d) => crossesCut(d, self, peer)),
    inboundDelay: (peer) => {
      const slowing = drills.filter((d) => slows(d, self, peer));
      return slowing.length === 0 ? undefined : () => drawDelay(slowing, random);
    },
  };
}
