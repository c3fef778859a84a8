import { CausewayError, ErrorCode } from '../errors/index.js';
import { allocateBlocks } from './allocate-blocks.js';
import { adviseModel, type PairAdvice } from './advise-model.js';
import { parseCidrBlock } from './cidr-block.js';
import { findOverlaps, siteBlocks, type Overlap } from './find-overlaps.js';
import type { SiteNetworks } from './site-networks.js';

/** New clusters to make room for: how many blocks of which size, from which pool. */
export interface AllocationAsk {
  pool: string;
  prefix: number;
  count: number;
}

/** What `causeway plan` reports: the sites as collected, overlaps, advice per pair, new blocks. */
export interface NetworkPlan {
  sites: SiteNetworks[];
  overlaps: Overlap[];
  pairs: PairAdvice[];
  allocation?: { pool: string; prefix: number; blocks: string[] };
}

/** Builds the plan of a clusterset: pure, so the CLI, the controller and tests share it. */
export function buildNetworkPlan(sites: readonly SiteNetworks[], ask?: AllocationAsk): NetworkPlan {
  const seen = new Set<string>();
  for (const s of sites) {
    if (seen.has(s.site))
      throw new CausewayError(ErrorCode.InputInvalid, `site ${s.site} is listed twice`, {
        hint: 'give each site once (one --dir or --context per site)',
      });
    seen.add(s.site);
  }
  const overlaps = findOverlaps(sites);
  const pairs: PairAdvice[] = [];
  for (const [i, a] of sites.entries())
    for (const b of sites.slice(i + 1)) pairs.push(adviseModel(a, b, overlaps, sites.length));
  pairs.sort((p, q) => p.sites.join('/').localeCompare(q.sites.join('/')));
  const plan: NetworkPlan = { sites: [...sites], overlaps, pairs };
  if (ask !== undefined) plan.allocation = allocate(sites, ask);
  return plan;
}

function allocate(
  sites: readonly SiteNetworks[],
  ask: AllocationAsk,
): NonNullable<NetworkPlan['allocation']> {
  const pool = parseCidrBlock(ask.pool, '--pool');
  const taken = siteBlocks(sites).map((b) => b.block);
  const blocks = allocateBlocks({ pool, prefix: ask.prefix, count: ask.count, taken });
  return { pool: pool.cidr, prefix: ask.prefix, blocks: blocks.map((b) => b.cidr) };
}
