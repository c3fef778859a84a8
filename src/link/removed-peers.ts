import { loadRemovedPeers, type SitePaths } from '../config/index.js';
import type { LinkMesh } from './link-mesh.js';
import { forgetRemovedPeer } from './removed-links.js';

/** Peers whose link this site removed (removed-peers.json), refused until they redeem a new token. */
export class RemovedPeers {
  private peers: Set<string> = new Set();

  constructor(
    private readonly paths: SitePaths,
    private readonly mesh: Pick<LinkMesh, 'refuse'>,
  ) {}

  /** Re-reads removed-peers.json; the function returned puts back the set read before it. */
  async load(): Promise<() => void> {
    const before = this.peers;
    this.peers = await loadRemovedPeers(this.paths.removedPeers);
    return () => {
      this.peers = before;
    };
  }

  /** The mesh refuses exactly these peers from now on (applied last in a reload: see `applySite`). */
  enforce(): void {
    this.mesh.refuse(this.peers);
  }

  /** A new token links a removed peer again: accept it from its next dial on. */
  async readmit(site: string): Promise<void> {
    if (!this.peers.delete(site)) return;
    this.mesh.refuse(this.peers);
    await forgetRemovedPeer(this.paths, site);
  }
}
