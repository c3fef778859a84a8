// The network area: the address space of the clusterset's sites. Owns CIDR blocks (parse,
// overlap, allocation from a pool), the flat-or-island advice per pair of sites and the plan
// built from them; all pure. May import errors/ and mcs/ (IP address arithmetic) only.
export {
  blockContains,
  blockHasAddress,
  blocksOverlap,
  parseCidrBlock,
  type CidrBlock,
} from './cidr-block.js';
export { allocateBlocks, type AllocationRequest } from './allocate-blocks.js';
export { findOverlaps, type Overlap, type SiteBlock } from './find-overlaps.js';
export {
  adviseModel,
  touchesPods,
  FLAT_CLUSTER_LIMIT,
  type NetworkModel,
  type PairAdvice,
} from './advise-model.js';
export { buildNetworkPlan, type AllocationAsk, type NetworkPlan } from './network-plan.js';
export { BLOCK_KINDS, type BlockKind, type SiteNetworks } from './site-networks.js';
export {
  directPath,
  networkChange,
  type DirectPath,
  type PathNetwork,
  type ProbeState,
} from './direct-path.js';
