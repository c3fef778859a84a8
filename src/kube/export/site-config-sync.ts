import { PolicyConfig, loadSiteConfig, saveSiteConfig, withSiteLock, type ExportConfig, type SiteConfig, type SitePaths } from '../../config/index.js';
import type { Logger } from '../../observability/index.js';
import { noticeRouter } from '../../site/index.js';
import type { Affinity } from './global-annotations.js';
import { MANAGED_BY } from './export-entries.js';

/** What the cluster says site.yaml should hold. */
export interface SiteDesired {
  /** Every export entry the controller owns (ServiceExports mapped); hand-made entries are kept beside them. */
  exports: ExportConfig[];
  /** The cluster's namespaces: in Kubernetes the cluster is the truth of which namespaces exist. */
  namespaces: string[];
  /** Affinity of global services, keyed `namespace/name`. */
  affinities: ReadonlyMap<string, Affinity>;
}

/** Brings a site config to the desired state in place (pure; exported for tests). */
export function applySiteDesired(config: SiteConfig, desired: SiteDesired): void {
  config.exports = [...config.exports.filter((e) => e.managedBy !== MANAGED_BY), ...desired.exports];
  config.namespaces = [...new Set(desired.namespaces)].sort();
  for (const [key, affinity] of desired.affinities) {
    const [namespace = '', service = ''] = key.split('/');
    const policy = config.policies.find((p) => p.service === service && p.namespace === namespace);
    if (policy !== undefined) policy.affinity = affinity;
    else if (affinity !== 'none') config.policies.push(PolicyConfig.parse({ service, namespace, affinity }));
  }
}

/**
 * Writes the cluster's desired state into site.yaml and tells the router, coalescing bursts: at
 * most one write in flight, changes arriving meanwhile are folded into the next one, and a write
 * that changes nothing is skipped (the router is only reloaded for real changes).
 */
export class SiteConfigSync {
  private enabled = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private again = false;
  /** Number of site.yaml writes made (each one is a router reload). */
  writes = 0;

  constructor(
    private readonly paths: SitePaths,
    private readonly desired: () => SiteDesired,
    private readonly logger: Logger,
    private readonly debounceMs = 30,
  ) {}

  /** Called once the caches are complete: writing earlier would drop exports not yet seen. */
  enable(): void {
    this.enabled = true;
    this.schedule();
  }

  disable(): void {
    this.enabled = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  schedule(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.debounceMs);
  }

  /** Resolves after every scheduled change has been written. */
  async settled(): Promise<void> {
    while (this.timer !== undefined || this.writing !== undefined) {
      if (this.writing !== undefined) await this.writing;
      else await new Promise((r) => setTimeout(r, this.debounceMs));
    }
  }

  private kick(): void {
    if (this.writing !== undefined) {
      this.again = true;
      return;
    }
    this.writing = this.write()
      .catch((err: unknown) => {
        this.logger.error({ error: (err as Error).message }, 'cannot update site.yaml; retrying');
        this.again = true;
      })
      .finally(() => {
        this.writing = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async write(): Promise<void> {
    const desired = this.desired();
    const changed = await withSiteLock(this.paths.lock, async () => {
      const config = await loadSiteConfig(this.paths.config);
      const before = JSON.stringify(config);
      applySiteDesired(config, desired);
      if (JSON.stringify(config) === before) return false;
      await saveSiteConfig(this.paths.config, config);
      return true;
    });
    if (!changed) return;
    this.writes++;
    const live = await noticeRouter(this.paths);
    this.logger.info({ exports: desired.exports.length, namespaces: desired.namespaces.length, routerReloaded: live }, 'site.yaml updated from the cluster');
  }
}
