import { readFile } from 'node:fs/promises';
import {
  loadSiteConfig,
  replaceFile,
  saveSiteConfig,
  withSiteLock,
  type SiteConfig,
  type SitePaths,
} from '../config/index.js';
import { ErrorCode, hasCode } from '../errors/index.js';
import { noticeRouter } from './router-notice.js';

/**
 * Changes site.yaml under the site lock, then lets a running router apply it. When the router
 * refuses the change (it keeps its old configuration), the file is put back as it was, so what is
 * on disk is what runs, and the router's reason is thrown.
 */
export async function editSiteConfig(
  paths: SitePaths,
  change: (config: SiteConfig) => void,
): Promise<{ live: boolean; config: SiteConfig }> {
  const { config, previous, written } = await withSiteLock(paths.lock, async () => {
    const previous = await readFile(paths.config, 'utf8');
    const current = await loadSiteConfig(paths.config);
    change(current);
    await saveSiteConfig(paths.config, current);
    return { config: current, previous, written: await readFile(paths.config, 'utf8') };
  });
  return { live: await noticeRouterOrRestore(paths, { previous, written }), config };
}

/**
 * Lets a running router apply an edit of site.yaml (`previous` → `written`); when it refuses, the
 * file is put back to `previous` and the router's reason thrown. Returns whether a router ran.
 */
export async function noticeRouterOrRestore(
  paths: SitePaths,
  edit: { previous: string; written: string },
): Promise<boolean> {
  try {
    return await noticeRouter(paths);
  } catch (err) {
    // A router that went away refused nothing: the change waits for its next start.
    if (hasCode(err, ErrorCode.RouterNotRunning)) throw err;
    await withSiteLock(paths.lock, async () => {
      // Only our own edit is undone: a later edit by someone else stays.
      if ((await readFile(paths.config, 'utf8')) === edit.written)
        await replaceFile(paths.config, edit.previous, 0o644);
    });
    throw err;
  }
}
