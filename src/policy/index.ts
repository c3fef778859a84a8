export type {
  Affinity,
  Candidate,
  ClientLocation,
  Locality,
  SessionAffinity,
  TrafficPolicy,
} from './traffic-policy.js';
export { effectiveWeight, isUsable } from './effective-weight.js';
export { tierCandidates } from './tier-candidates.js';
export { compilePolicy, type CompiledTier, type CompiledTiers } from './compile-policy.js';
export { pickInTier } from './pick-in-tier.js';
export { spillProbability } from './spill-probability.js';
export {
  selectEndpoint,
  selectFromCompiled,
  type Selection,
  type SelectionReason,
} from './select-endpoint.js';
export { DEFAULT_SESSION_CAPACITY, SessionTable } from './session-table.js';
export { seededRandom } from './seeded-random.js';
export {
  admittedSites,
  cidrContains,
  decideAccess,
  type AccessDecision,
  type AccessDenial,
  type AccessRequest,
  type AccessRule,
} from './access-decision.js';
