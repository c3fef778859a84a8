import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { addressAt, isUsable, offsetOf, parseCidr, type CidrRange } from './cidr-range.js';
import { clustersetKey } from './clusterset-key.js';
import type { ClustersetService } from './merge-clusterset-service.js';
import type { IpFamily } from './site-export.js';

export const defaultVipCidr = '127.240.0.0/16';

export interface VipAllocatorOptions {
  /** IPv4 pool; defaults to 127.240.0.0/16. */
  ipv4Cidr?: string;
  /** IPv6 pool; without one, IPv6 VIPs cannot be allocated. */
  ipv6Cidr?: string;
}

const VipSnapshot = z.strictObject({
  version: z.literal(1),
  ipv4Cidr: z.string(),
  ipv6Cidr: z.string().optional(),
  allocations: z.record(
    z.string(),
    z.strictObject({ IPv4: z.string().optional(), IPv6: z.string().optional() }),
  ),
});
/** Plain JSON a caller persists so VIPs survive restarts (ClusterSetIPs must be stable for the life of the import). */
export type VipSnapshot = z.infer<typeof VipSnapshot>;

interface FamilyPool {
  range: CidrRange;
  offsets: Map<string, bigint>;
  taken: Set<bigint>;
}

/**
 * Hands out one stable clusterset VIP per service key and family. The first choice comes from a hash of
 * `namespace/name`, so restarts and other sites usually land on the same address; collisions probe linearly.
 */
export class VipAllocator {
  readonly #pools: Partial<Record<IpFamily, FamilyPool>>;

  constructor(options: VipAllocatorOptions = {}) {
    this.#pools = emptyPools(options);
  }

  /** The families this allocator has a pool for. */
  get families(): IpFamily[] {
    return (['IPv4', 'IPv6'] as const).filter((f) => this.#pools[f] !== undefined);
  }

  /** The VIP of `key` in `family`, allocating it on first use. */
  allocate(key: string, family: IpFamily = 'IPv4'): string {
    const pool = this.#pool(family);
    const existing = pool.offsets.get(key);
    if (existing !== undefined) return addressAt(pool.range, existing);
    if (BigInt(pool.taken.size) >= pool.range.usable) {
      throw new CausewayError(
        ErrorCode.VipPoolExhausted,
        `no free ${family} VIP in ${pool.range.cidr} for ${key}`,
        {
          hint: 'use a larger VIP CIDR or unexport unused services',
        },
      );
    }
    let offset = preferredOffset(key, pool.range.size);
    while (!isUsable(pool.range, offset) || pool.taken.has(offset))
      offset = (offset + 1n) % pool.range.size;
    pool.offsets.set(key, offset);
    pool.taken.add(offset);
    return addressAt(pool.range, offset);
  }

  /** A service's `spec.ips`: one VIP per family in `ipFamilies` order, none for Headless (conformance). */
  allocateFor(
    service: Pick<ClustersetService, 'name' | 'namespace' | 'type' | 'ipFamilies'>,
  ): string[] {
    if (service.type === 'Headless') return [];
    const key = clustersetKey(service.name, service.namespace);
    return service.ipFamilies.map((family) => this.allocate(key, family));
  }

  lookup(key: string, family: IpFamily = 'IPv4'): string | undefined {
    const pool = this.#pools[family];
    const offset = pool?.offsets.get(key);
    return pool === undefined || offset === undefined ? undefined : addressAt(pool.range, offset);
  }

  /** Frees every VIP of `key` (its ServiceImport is gone). */
  release(key: string): void {
    for (const pool of Object.values(this.#pools)) {
      const offset = pool.offsets.get(key);
      if (offset === undefined) continue;
      pool.offsets.delete(key);
      pool.taken.delete(offset);
    }
  }

  snapshot(): VipSnapshot {
    const byKey = new Map<string, Partial<Record<IpFamily, string>>>();
    for (const family of this.families) {
      for (const [key, offset] of this.#pool(family).offsets) {
        byKey.set(key, {
          ...byKey.get(key),
          [family]: addressAt(this.#pool(family).range, offset),
        });
      }
    }
    const allocations = Object.fromEntries([...byKey].sort(([a], [b]) => (a < b ? -1 : 1)));
    const ipv6 = this.#pools.IPv6;
    return {
      version: 1,
      ipv4Cidr: this.#pool('IPv4').range.cidr,
      ...(ipv6 === undefined ? {} : { ipv6Cidr: ipv6.range.cidr }),
      allocations,
    };
  }

  /** Replaces all allocations with a snapshot's; all or nothing, rejecting addresses outside this allocator's pools. */
  restore(snapshot: unknown): void {
    const parsed = VipSnapshot.safeParse(snapshot);
    if (!parsed.success)
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `VIP snapshot is malformed: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const pools = emptyPools({ ipv4Cidr: this.#pool('IPv4').range.cidr, ...this.#ipv6Option() });
    for (const [key, ips] of Object.entries(parsed.data.allocations)) {
      for (const family of ['IPv4', 'IPv6'] as const) {
        const ip = ips[family];
        if (ip !== undefined) claim(pools, family, key, ip);
      }
    }
    Object.assign(this.#pools, pools);
  }

  #ipv6Option(): VipAllocatorOptions {
    const ipv6 = this.#pools.IPv6;
    return ipv6 === undefined ? {} : { ipv6Cidr: ipv6.range.cidr };
  }

  #pool(family: IpFamily): FamilyPool {
    const pool = this.#pools[family];
    if (pool === undefined)
      throw new CausewayError(ErrorCode.InputInvalid, `no ${family} VIP pool is configured`);
    return pool;
  }
}

function emptyPools(options: VipAllocatorOptions): Partial<Record<IpFamily, FamilyPool>> {
  const pool = (cidr: string, family: IpFamily): FamilyPool => {
    const range = parseCidr(cidr);
    if (range.family !== family)
      throw new CausewayError(ErrorCode.InputInvalid, `VIP CIDR ${cidr} is not ${family}`);
    return { range, offsets: new Map(), taken: new Set() };
  };
  return {
    IPv4: pool(options.ipv4Cidr ?? defaultVipCidr, 'IPv4'),
    ...(options.ipv6Cidr === undefined ? {} : { IPv6: pool(options.ipv6Cidr, 'IPv6') }),
  };
}

function claim(
  pools: Partial<Record<IpFamily, FamilyPool>>,
  family: IpFamily,
  key: string,
  ip: string,
): void {
  const pool = pools[family];
  const offset = pool === undefined ? undefined : offsetOf(pool.range, ip);
  if (
    pool === undefined ||
    offset === undefined ||
    !isUsable(pool.range, offset) ||
    pool.taken.has(offset)
  ) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `VIP snapshot entry ${key} → ${ip} is outside the ${family} pool, unusable or taken twice`,
    );
  }
  pool.offsets.set(key, offset);
  pool.taken.add(offset);
}

/** First 64 bits of sha256(key) modulo the pool size: stable across processes and versions, unlike a seeded hash. */
function preferredOffset(key: string, size: bigint): bigint {
  return createHash('sha256').update(key).digest().readBigUInt64BE(0) % size;
}
