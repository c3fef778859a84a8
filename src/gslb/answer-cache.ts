import type { GslbMessageAnswer, GslbTransport } from './gslb-message.js';

/** What the cache needs of the state: a change counter and when time alone changes answers. */
export interface CacheableView {
  version(): number;
  nextChangeAfter(now: number): number;
}

// Enough for every name × type × resolver of a busy zone; past it the cache starts over.
const MAX_ENTRIES = 10_000;

/**
 * Encoded answers by query bytes (all but the id) and resolver address, valid while the state has
 * not changed and no hold-down has ended. Building an answer costs most of a query's CPU (decode,
 * choose, encode); resolvers ask the same few questions again every TTL.
 */
export class AnswerCache {
  private entries = new Map<string, GslbMessageAnswer>();
  private version = -1;
  private validUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly view: CacheableView) {}

  /** The answer to `message`, its id set to the query's, or undefined on a miss. */
  get(
    message: Buffer,
    transport: GslbTransport,
    resolver: string,
    now: number,
  ): GslbMessageAnswer | undefined {
    if (message.length < 12) return undefined;
    this.expire(now);
    const cached = this.entries.get(key(message, transport, resolver));
    if (cached === undefined) return undefined;
    const bytes = Buffer.from(cached.bytes);
    bytes[0] = message[0]!;
    bytes[1] = message[1]!;
    return { ...cached, bytes };
  }

  put(
    message: Buffer,
    transport: GslbTransport,
    resolver: string,
    answer: GslbMessageAnswer,
  ): void {
    // Failures of the server itself are not worth repeating; FORMERR and the rest are deterministic.
    if (message.length < 12 || answer.error !== undefined) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key(message, transport, resolver), answer);
  }

  private expire(now: number): void {
    const version = this.view.version();
    if (version === this.version && now < this.validUntil) return;
    this.entries.clear();
    this.version = version;
    this.validUntil = this.view.nextChangeAfter(now);
  }
}

function key(message: Buffer, transport: GslbTransport, resolver: string): string {
  return `${transport}|${resolver}|${message.toString('latin1', 2)}`;
}
