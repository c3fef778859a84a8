import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';

/** `first-last` as the config gives it, already checked there. */
export interface PortRange {
  first: number;
  last: number;
}

export function parsePortRange(text: string): PortRange {
  const [first, last] = text.split('-').map(Number);
  if (
    first === undefined ||
    last === undefined ||
    !Number.isInteger(first) ||
    !Number.isInteger(last) ||
    first < 1 ||
    last > 65_535 ||
    first > last
  ) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `port range "${text}" is not first-last within 1-65535`,
    );
  }
  return { first, last };
}

const PortSnapshot = z.strictObject({
  version: z.literal(1),
  range: z.string(),
  allocations: z.record(z.string(), z.number().int().min(1).max(65_535)),
});
/** Plain JSON a caller persists, so a listener keeps its port across restarts (EndpointSlices point at it). */
export type PortSnapshot = z.infer<typeof PortSnapshot>;

/**
 * Hands out one stable port per key from a range. The first choice comes from a hash of the key, so
 * a restart that lost its snapshot usually lands on the same port; collisions probe linearly.
 */
export class PortAllocator {
  readonly #byKey = new Map<string, number>();
  readonly #taken = new Set<number>();

  constructor(readonly range: PortRange) {}

  allocate(key: string): number {
    const existing = this.#byKey.get(key);
    if (existing !== undefined) return existing;
    const size = this.range.last - this.range.first + 1;
    if (this.#taken.size >= size) {
      throw new CausewayError(
        ErrorCode.VipPoolExhausted,
        `no free port in ${this.range.first}-${this.range.last} for ${key}`,
        {
          hint: 'widen services.importPorts in site.yaml or unexport unused services',
        },
      );
    }
    let offset = createHash('sha256').update(key).digest().readUInt32BE(0) % size;
    while (this.#taken.has(this.range.first + offset)) offset = (offset + 1) % size;
    const port = this.range.first + offset;
    this.#byKey.set(key, port);
    this.#taken.add(port);
    return port;
  }

  lookup(key: string): number | undefined {
    return this.#byKey.get(key);
  }

  keys(): string[] {
    return [...this.#byKey.keys()];
  }

  release(key: string): void {
    const port = this.#byKey.get(key);
    if (port === undefined) return;
    this.#byKey.delete(key);
    this.#taken.delete(port);
  }

  snapshot(): PortSnapshot {
    const allocations = Object.fromEntries([...this.#byKey].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { version: 1, range: `${this.range.first}-${this.range.last}`, allocations };
  }

  /**
   * Replaces all allocations with a snapshot's; all or nothing. Ports outside today's range, or
   * claimed twice, are rejected (the range was edited: those imports get new ports).
   */
  restore(snapshot: unknown): void {
    const parsed = PortSnapshot.safeParse(snapshot);
    if (!parsed.success)
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `port snapshot is malformed: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const seen = new Set<number>();
    for (const [key, port] of Object.entries(parsed.data.allocations)) {
      if (port < this.range.first || port > this.range.last)
        throw new CausewayError(
          ErrorCode.InputInvalid,
          `port ${port} of ${key} is outside ${this.range.first}-${this.range.last}`,
        );
      if (seen.has(port))
        throw new CausewayError(ErrorCode.InputInvalid, `port ${port} is claimed twice`);
      seen.add(port);
    }
    this.#byKey.clear();
    this.#taken.clear();
    for (const [key, port] of Object.entries(parsed.data.allocations)) {
      this.#byKey.set(key, port);
      this.#taken.add(port);
    }
  }
}
