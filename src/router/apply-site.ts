import type { SiteParts } from './site-parts.js';
import { publishSite } from './publish-site.js';

/** Converges the areas to the config in `state`; links change last, so a failure leaves them as they were. */
export async function applySite(p: SiteParts): Promise<void> {
  const { config, connected } = p.state;
  p.directory.setLocalExports(config.exports);
  p.readiness.reconcile(config.exports);
  publishSite(p);
  await p.imports.syncConfigured();
  // Links change last: a closed link, or a removal told to the peer (which then forgets the
  // link), cannot be taken back when a listener fails and the reload is refused.
  p.removed.enforce();
  if (connected) p.mesh.reconcile(config.links);
}
