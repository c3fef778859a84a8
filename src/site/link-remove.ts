import { ApiClient } from '../api/index.js';
import {
  loadRemovedPeers,
  loadSiteConfig,
  saveRemovedPeers,
  withSiteLock,
  type SitePaths,
} from '../config/index.js';
import { CausewayError, ErrorCode, hasCode } from '../errors/index.js';
import { editSiteConfig } from './config-edit.js';

/**
 * Removes the link to `peer` from whichever end this site is: the configured link (if this side
 * dials) leaves site.yaml, and the peer is refused from now on (removed-peers.json), so a link it
 * dials is closed and the peer told to stop dialing. A new token links the two again.
 */
export async function removeLink(
  paths: SitePaths,
  peer: string,
): Promise<{ live: boolean; dialed: boolean; inbound: boolean }> {
  const dialed = (await loadSiteConfig(paths.config)).links.some((l) => l.peer === peer);
  const inbound = await hasInboundLink(paths, peer);
  if (!dialed && !inbound) {
    throw new CausewayError(ErrorCode.LinkUnknown, `this site has no link to ${peer}`, {
      hint: 'see `causeway status` (an inbound link shows only while the router runs)',
    });
  }
  const refusedBefore = await withSiteLock(paths.lock, async () => {
    const removed = await loadRemovedPeers(paths.removedPeers);
    const had = removed.has(peer);
    await saveRemovedPeers(paths.removedPeers, removed.add(peer));
    return had;
  });
  try {
    const { live } = await editSiteConfig(paths, (config) => {
      config.links = config.links.filter((l) => l.peer !== peer);
    });
    return { live, dialed, inbound };
  } catch (err) {
    // The router refused the reload and site.yaml was put back: so is the refusal of the peer,
    // or the next reload would refuse a link that site.yaml still dials.
    if (!refusedBefore && !hasCode(err, ErrorCode.RouterNotRunning))
      await forgetRefusal(paths, peer);
    throw err;
  }
}

async function forgetRefusal(paths: SitePaths, peer: string): Promise<void> {
  await withSiteLock(paths.lock, async () => {
    const removed = await loadRemovedPeers(paths.removedPeers);
    if (removed.delete(peer)) await saveRemovedPeers(paths.removedPeers, removed);
  });
}

/**
 * Whether the running router has a link to `peer` that the peer dialed, up or down: one that is
 * down (the peer is restarting, say) would come back at the peer's next dial if it could not be removed.
 */
async function hasInboundLink(paths: SitePaths, peer: string): Promise<boolean> {
  const client = new ApiClient(paths);
  if ((await client.runtime()) === undefined) return false;
  return (await client.status()).links.some((l) => l.peer === peer && l.direction === 'inbound');
}
