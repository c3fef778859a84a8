import type { MuxSession } from '../transport/index.js';

export type LinkState = 'up' | 'connecting' | 'down';

/** Everything this router has with one peer site: zero or more live sessions, either direction. */
export class PeerLink {
  readonly peer: string;
  /** Set when this side dials the peer (a configured link); inbound-only links have none. */
  cost: number;
  dialed: boolean;
  zone = '';
  region = '';
  private readonly sessions = new Set<MuxSession>();
  private next = 0;
  /** When the link last changed state, for `status`. */
  since = Date.now();
  lastError: string | undefined;
  /** Failed dials since the link was last up (this side dials it); 0 while it is up. */
  dialFailures = 0;
  /** Where this side dials the peer now: learned from its signed adverts first, then the configured ones. */
  endpoints: string[] = [];
  /**
   * A drill cuts this link: `detecting` while its traffic is dropped but the loss is not yet
   * noticed (a real partition takes the liveness bound to notice), `down` once it counts as lost.
   */
  cut: 'detecting' | 'down' | undefined;

  constructor(peer: string, cost: number, dialed: boolean) {
    this.peer = peer;
    this.cost = cost;
    this.dialed = dialed;
  }

  get state(): LinkState {
    if (this.cut === 'down') return this.dialed ? 'connecting' : 'down';
    if (this.sessions.size > 0) return 'up';
    return this.dialed ? 'connecting' : 'down';
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Mean smoothed RTT over the live sessions. */
  get rttMs(): number | undefined {
    const samples = [...this.sessions]
      .map((s) => s.rttMs)
      .filter((v): v is number => v !== undefined);
    return samples.length === 0 ? undefined : samples.reduce((a, b) => a + b, 0) / samples.length;
  }

  get flowCount(): number {
    let n = 0;
    for (const s of this.sessions) n += s.streamCount;
    return n;
  }

  /** Returns true when this made the link go up. */
  add(session: MuxSession): boolean {
    const wasUp = this.sessions.size > 0;
    this.sessions.add(session);
    if (!wasUp) this.since = Date.now();
    return !wasUp;
  }

  /** Returns true when this made the link go down. */
  remove(session: MuxSession): boolean {
    const removed = this.sessions.delete(session);
    const down = removed && this.sessions.size === 0;
    if (down) this.since = Date.now();
    return down;
  }

  /** Picks the session with the fewest flows (ties round-robin); none while a drill cuts the link. */
  pickSession(): MuxSession | undefined {
    return this.cut === undefined ? this.pickSessionThroughCut() : undefined;
  }

  /** A live session even while a drill cuts the link: drill messages must still cross it. */
  pickSessionThroughCut(): MuxSession | undefined {
    let best: MuxSession | undefined;
    const start = this.next++;
    const all = [...this.sessions];
    for (let k = 0; k < all.length; k++) {
      const s = all[(start + k) % all.length] as MuxSession;
      if (s.closed) continue;
      if (best === undefined || s.streamCount < best.streamCount) best = s;
    }
    return best;
  }

  /** Tells the peer why on every live connection, then closes them. */
  goAwayAll(payload: Buffer, reason: Error): void {
    for (const s of [...this.sessions]) s.goAway(payload, reason);
  }

  /** Every live session (a drill slows each of them). */
  get liveSessions(): readonly MuxSession[] {
    return [...this.sessions];
  }

  closeAll(): void {
    for (const s of [...this.sessions]) s.close();
  }
}
