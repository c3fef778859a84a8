import type { Logger } from '../observability/index.js';
import { addRevocations, loadRevocations } from './revocations-file.js';
import {
  decodeRevocation,
  encodeRevocation,
  isRevocationPayload,
  verifyRevocation,
  type SiteRevocation,
} from './site-revocation.js';

export interface RevocationListDeps {
  self: string;
  /** revocations.json and the site lock that guards it (the CLI writes it too). */
  file: string;
  lock: string;
  /** The clusterset CA every revocation is checked against. */
  trust(): { caPem: string; trustDomain: string };
  /** Sends a payload to every live peer but `from`. */
  flood(payload: Buffer, from: string | undefined): void;
  /** A site was revoked (learned now, or read at start): the caller closes and forgets it. */
  revoked(revocation: SiteRevocation): void;
  /** A signed message was refused (counted like other refused control messages). */
  refused(peer: string, err: unknown): void;
  logger: Logger;
}

/**
 * The sites revoked in this clusterset, as this site knows them: read from revocations.json,
 * learned from peers (checked, persisted, then flooded on), given whole to every new peer. A
 * revocation is only ever added: none is taken back, so floods end at the first site that knew it.
 */
export class RevocationList {
  private readonly bySite = new Map<string, SiteRevocation>();

  constructor(private readonly deps: RevocationListDeps) {}

  has(site: string): boolean {
    return this.bySite.has(site);
  }

  /** The revoked site ids, sorted (for status). */
  sites(): string[] {
    return [...this.bySite.keys()].sort();
  }

  /** Reads the file (at start and at every reload): revocations new to this router are enforced and flooded. */
  async load(): Promise<void> {
    for (const revocation of await loadRevocations(this.deps.file)) {
      if (this.bySite.has(revocation.site)) continue;
      try {
        verifyRevocation(revocation, this.deps.trust());
      } catch (err) {
        // Only the CA or an admin can revoke: an entry written by anyone else is not applied.
        this.deps.logger.error({ err, site: revocation.site }, 'revocations.json: entry refused');
        continue;
      }
      this.accept(revocation, undefined, 'file');
    }
  }

  /** A CONTROL payload from `peer`: true when it was a revocation (handled here, valid or not). */
  receive(peer: string, payload: Buffer): boolean {
    if (!isRevocationPayload(payload)) return false;
    try {
      const revocation = decodeRevocation(payload);
      if (this.bySite.has(revocation.site)) return true;
      verifyRevocation(revocation, this.deps.trust());
      if (!this.accept(revocation, peer, 'peer')) return true;
      addRevocations(this.deps.file, this.deps.lock, [revocation]).catch((err: unknown) =>
        this.deps.logger.error({ err, site: revocation.site }, 'cannot save revocations.json'),
      );
    } catch (err) {
      this.deps.refused(peer, err);
    }
    return true;
  }

  /** A new peer hears every revocation before any advert. */
  syncPeer(session: { sendControl(payload: Buffer): void }): void {
    for (const revocation of this.bySite.values())
      session.sendControl(encodeRevocation(revocation));
  }

  private accept(revocation: SiteRevocation, from: string | undefined, source: string): boolean {
    if (this.bySite.has(revocation.site)) return false;
    this.bySite.set(revocation.site, revocation);
    const line = { site: revocation.site, reason: revocation.reason, source, peer: from };
    if (revocation.site === this.deps.self)
      this.deps.logger.error(line, 'this site is revoked: the clusterset refuses its certificate');
    else this.deps.logger.warn(line, 'site revoked');
    // Flooded before the links close, so the revoked site hears it too (it keeps it on disk and
    // stops certifying); frames on one connection arrive in order, the GOAWAY after it.
    this.deps.flood(encodeRevocation(revocation), from);
    this.deps.revoked(revocation);
    return true;
  }
}
