import { loadSiteConfig, saveSiteConfig, withSiteLock, type SiteConfig, type SitePaths } from '../config/index.js';
import { noticeRouter } from './router-notice.js';

/** Changes site.yaml under the site lock, then lets a running router apply it. */
export async function editSiteConfig(paths: SitePaths, change: (config: SiteConfig) => void): Promise<{ live: boolean; config: SiteConfig }> {
  const config = await withSiteLock(paths.lock, async () => {
    const current = await loadSiteConfig(paths.config);
    change(current);
    await saveSiteConfig(paths.config, current);
    return current;
  });
  return { live: await noticeRouter(paths), config };
}
