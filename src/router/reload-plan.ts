import {
  loadManagedState,
  loadSiteConfig,
  mergeManagedState,
  type SiteConfig,
  type SitePaths,
} from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
import { loadSiteMaterial } from '../link/index.js';
import { applySite } from './apply-site.js';
import type { SiteParts } from './site-parts.js';

/** site.yaml plus what a controller manages beside it (managed.json). */
export async function loadEffectiveConfig(paths: SitePaths): Promise<SiteConfig> {
  return mergeManagedState(
    await loadSiteConfig(paths.config),
    await loadManagedState(paths.managed),
  );
}

/** Refuses a reload that changes `site.id`; warns of the settings that apply only at restart. */
export function checkReload(
  current: SiteConfig,
  next: SiteConfig,
  paths: SitePaths,
  logger: Logger,
): void {
  if (next.site.id !== current.site.id) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `site.id: changed on disk from ${current.site.id} to ${next.site.id} (in ${paths.config})`,
      {
        hint: `a site keeps its id (its certificate names it): put site.id back to ${current.site.id}, or create a new site with \`causeway site init\``,
      },
    );
  }
  if (JSON.stringify(next.leases) !== JSON.stringify(current.leases))
    logger.warn('the leases section changed: it applies when the router restarts');
  for (const setting of ['link.listen', 'dns.listen'] as const) {
    const [section] = setting.split('.') as ['link' | 'dns'];
    if (next[section].listen !== current[section].listen)
      logger.warn(
        { setting, now: current[section].listen, next: next[section].listen },
        `${setting} changed: it applies when the router restarts`,
      );
  }
}

/**
 * Re-reads config, certificates and removed peers and converges to them, all or nothing: when a
 * step fails, the configuration in force stays the one that worked and the error is thrown.
 */
export async function reloadSite(p: SiteParts): Promise<void> {
  const config = await loadEffectiveConfig(p.paths);
  checkReload(p.state.config, config, p.paths, p.logger);
  // Revocations are never taken back, so they apply even when the rest of the reload is refused.
  await p.revocations.load();
  const restoreRemoved = await p.removed.load();
  const previous = { config: p.state.config, material: p.state.material };
  p.state.config = config;
  p.state.material = await loadSiteMaterial(p.paths, config.site.id, config.site.trustDomain);
  p.mesh.refreshMaterial();
  try {
    await applySite(p);
  } catch (err) {
    Object.assign(p.state, previous);
    restoreRemoved();
    p.mesh.refreshMaterial();
    await applySite(p).catch((again: unknown) =>
      p.logger.error({ err: again }, 'the previous configuration could not be restored'),
    );
    p.logger.warn({ err }, 'reload refused: the previous configuration stays in force');
    throw err;
  }
  p.logger.info('configuration reloaded');
}
