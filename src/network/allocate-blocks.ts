import { CausewayError, ErrorCode } from '../errors/index.js';
import { blockOf, blocksOverlap, familyBits, type CidrBlock } from './cidr-block.js';

/** A request for new blocks, as AWS VPC IPAM takes one: a pool and a netmask length. */
export interface AllocationRequest {
  pool: CidrBlock;
  prefix: number;
  count: number;
  /** Blocks already in use anywhere in the clusterset: no new block overlaps one. */
  taken: readonly CidrBlock[];
}

/**
 * The first `count` aligned blocks of `/prefix` in the pool that overlap nothing taken, lowest
 * first, so the same clusterset always gets the same proposal. A candidate that hits a taken block
 * jumps past that block's end instead of stepping one block at a time, so a /8 pool cut into /28s
 * costs one step per taken block, not a million.
 */
export function allocateBlocks(request: AllocationRequest): CidrBlock[] {
  const { pool, prefix, count } = request;
  const width = familyBits(pool.family);
  if (prefix < pool.prefix || prefix > width)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--prefix: /${prefix} does not fit the pool ${pool.cidr}`,
      { hint: `use a prefix from /${pool.prefix} to /${width}` },
    );
  const size = 1n << BigInt(width - prefix);
  const taken = request.taken
    .filter((t) => blocksOverlap(t, pool))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: CidrBlock[] = [];
  let next = pool.first;
  while (out.length < count && next + size - 1n <= pool.last) {
    const candidate = blockOf(pool.family, next, prefix);
    const hit = taken.find((t) => blocksOverlap(t, candidate));
    if (hit === undefined) {
      out.push(candidate);
      next += size;
    } else next = alignUp(hit.last + 1n, size);
  }
  if (out.length < count)
    throw new CausewayError(
      ErrorCode.CidrPoolExhausted,
      `pool ${pool.cidr} has room for ${out.length} more /${prefix} block(s), ${count} asked`,
      { hint: 'use a larger --pool, a longer --prefix, or fewer --new clusters' },
    );
  return out;
}

function alignUp(value: bigint, size: bigint): bigint {
  return value % size === 0n ? value : value + size - (value % size);
}
