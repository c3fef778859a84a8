import { CausewayError, ErrorCode } from '../errors/index.js';
import { compilePolicy, type CompiledTier, type CompiledTiers } from './compile-policy.js';
import { pickInTier } from './pick-in-tier.js';
import type { SessionTable } from './session-table.js';
import { spillProbability } from './spill-probability.js';
import type { Candidate, ClientLocation, TrafficPolicy } from './traffic-policy.js';

/**
 * Why a candidate was chosen: `session` reuses the client's sticky endpoint, `preferred` is the
 * policy's first tier, `failover` is the first tier with a usable candidate when better tiers have
 * none, `spill` is a later tier taking part of an overloaded tier's flows.
 */
export type SelectionReason = 'session' | 'preferred' | 'spill' | 'failover';

/** The endpoint for one new flow and where in the tier ladder it came from. */
export interface Selection {
  candidate: Candidate;
  /** Index in the policy's tier ladder (see `tierCandidates`). */
  tier: number;
  reason: SelectionReason;
}

/**
 * Chooses the endpoint for one new flow from precompiled tiers; undefined when no candidate is
 * usable. `now` (milliseconds) is required when session affinity applies. `clientIp` defaults to the
 * compiled client's: one compiled ladder serves every client at the same location.
 */
export function selectFromCompiled(
  compiled: CompiledTiers,
  random: () => number,
  sessions?: SessionTable,
  now?: number,
  clientIp: string | undefined = compiled.client.clientIp,
): Selection | undefined {
  const { tiers, nonEmpty, policy } = compiled;
  if (nonEmpty.length === 0) return undefined;
  const affinity = policy.sessionAffinity;
  const sticky = affinity !== undefined && sessions !== undefined && clientIp !== undefined;
  if (sticky) {
    if (now === undefined)
      throw new CausewayError(
        ErrorCode.InputInvalid,
        'session affinity needs the current time (now)',
      );
    const reused = reuseSession(
      compiled,
      sessions.lookup(clientIp, now, affinity.timeoutSeconds * 1000),
    );
    if (reused !== undefined) return reused;
  }
  let position = 0;
  let tierIndex = nonEmpty[0] as number;
  let reason: SelectionReason = tierIndex === 0 ? 'preferred' : 'failover';
  const threshold = policy.overloadThreshold;
  if (threshold !== undefined) {
    while (position + 1 < nonEmpty.length) {
      const next = nonEmpty[position + 1] as number;
      if (
        !shouldSpill(
          tiers[tierIndex] as CompiledTier,
          tiers[next] as CompiledTier,
          threshold,
          random,
        )
      )
        break;
      position++;
      tierIndex = next;
      reason = 'spill';
    }
  }
  const candidate = pickInTier(tiers[tierIndex] as CompiledTier, random);
  if (sticky) sessions.record(clientIp, candidate.id, now as number);
  return { candidate, tier: tierIndex, reason };
}

/** Compiles and selects in one call; callers choosing often should cache `compilePolicy` instead. */
export function selectEndpoint(
  candidates: readonly Candidate[],
  client: ClientLocation,
  policy: TrafficPolicy,
  random: () => number,
  sessions?: SessionTable,
  now?: number,
): Selection | undefined {
  return selectFromCompiled(compilePolicy(candidates, client, policy), random, sessions, now);
}

// The remembered candidate must still be in the compiled ladder (usable when compiled) and still
// healthy now: health flags may flip on the live objects before the caller recompiles.
function reuseSession(compiled: CompiledTiers, id: string | undefined): Selection | undefined {
  if (id === undefined) return undefined;
  const entry = compiled.byId.get(id);
  if (entry === undefined || !entry.candidate.healthy || entry.candidate.ejected === true)
    return undefined;
  return { candidate: entry.candidate, tier: entry.tier, reason: 'session' };
}

// Spilling into a tier that is at least as loaded per endpoint only moves the overload further away
// from the client, so a flow spills only towards relief.
function shouldSpill(
  current: CompiledTier,
  next: CompiledTier,
  threshold: number,
  random: () => number,
): boolean {
  const load = meanOutstanding(current);
  const probability = spillProbability(load, threshold);
  if (probability === 0 || random() >= probability) return false;
  return meanOutstanding(next) < load;
}

function meanOutstanding(tier: CompiledTier): number {
  const members = tier.members;
  let sum = 0;
  for (let i = 0; i < members.length; i++) sum += (members[i] as Candidate).outstanding;
  return sum / members.length;
}
