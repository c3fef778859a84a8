import type { DnsTransport } from './answer-message.js';
import { rcodeName, type Rcode, type RcodeName } from './rcode.js';

/** Counters since start, shaped for a metrics exporter to read. */
export interface DnsStatsSnapshot {
  queries: Record<DnsTransport, number>;
  responses: Partial<Record<RcodeName, number>>;
  /** UDP responses sent with TC set (client told to retry over TCP) or TCP responses cut to 64 KiB. */
  truncated: number;
  /** Messages that got no answer: shorter than a header, or responses. */
  dropped: number;
}

/** Counts messages in and answers out by rcode. */
export class DnsStats {
  private readonly counts: DnsStatsSnapshot = {
    queries: { udp: 0, tcp: 0 },
    responses: {},
    truncated: 0,
    dropped: 0,
  };

  received(transport: DnsTransport): void {
    this.counts.queries[transport] += 1;
  }

  answered(rcode: Rcode, truncated: boolean): void {
    const name = rcodeName(rcode);
    this.counts.responses[name] = (this.counts.responses[name] ?? 0) + 1;
    if (truncated) this.counts.truncated += 1;
  }

  dropped(): void {
    this.counts.dropped += 1;
  }

  snapshot(): DnsStatsSnapshot {
    return {
      ...this.counts,
      queries: { ...this.counts.queries },
      responses: { ...this.counts.responses },
    };
  }
}
