import type { Logger } from '../observability/index.js';
import {
  loadRemovedPeers,
  loadSiteConfig,
  saveRemovedPeers,
  saveSiteConfig,
  withSiteLock,
  type SitePaths,
} from '../config/index.js';

/** A site that redeemed a new token here is linked again: it is no longer refused. */
export async function forgetRemovedPeer(paths: SitePaths, peer: string): Promise<void> {
  await withSiteLock(paths.lock, async () => {
    const removed = await loadRemovedPeers(paths.removedPeers);
    if (!removed.delete(peer)) return;
    await saveRemovedPeers(paths.removedPeers, removed);
  });
}

/** The peer removed our link: drop it from site.yaml, so nothing dials it again without a new token. */
export async function dropConfiguredLink(paths: SitePaths, peer: string): Promise<boolean> {
  return withSiteLock(paths.lock, async () => {
    const config = await loadSiteConfig(paths.config);
    const before = config.links.length;
    config.links = config.links.filter((l) => l.peer !== peer);
    if (config.links.length === before) return false;
    await saveSiteConfig(paths.config, config);
    return true;
  });
}

/** The peer removed the link we dial: stop for good (site.yaml loses it, then `reload`); a new token links again. */
export async function followLinkRemoval(
  paths: SitePaths,
  peer: string,
  reload: () => Promise<void>,
  logger: Logger,
): Promise<void> {
  logger.warn(
    { peer },
    'the peer removed this link: not dialing it again (a new token links again)',
  );
  try {
    if (await dropConfiguredLink(paths, peer)) await reload();
  } catch (err) {
    logger.error({ peer, err }, 'cannot drop the removed link from site.yaml');
  }
}
