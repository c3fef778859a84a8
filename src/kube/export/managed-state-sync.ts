import { readFile } from 'node:fs/promises';
import {
  saveManagedState,
  withSiteLock,
  type ExportConfig,
  type ManagedStateInput,
  type SitePaths,
} from '../../config/index.js';
import type { Logger } from '../../observability/index.js';
import { noticeRouter } from '../../site/index.js';
import type { Affinity } from './global-annotations.js';

/** What the cluster says the site should serve. */
export interface SiteDesired {
  /** Every export entry the ServiceExports map to. */
  exports: ExportConfig[];
  /** The cluster's namespaces: in Kubernetes the cluster is the truth of which namespaces exist. */
  namespaces: string[];
  /** Affinity of global services, keyed `namespace/name`. */
  affinities: ReadonlyMap<string, Affinity>;
  /** ClusterIPs of imports' derived Services, keyed `namespace/name`, for the router's DNS. */
  clustersetIps: Readonly<Record<string, string[]>>;
}

/** The site's managed state for a desired state (pure; sorted, so equal states serialize equally). */
export function managedStateOf(desired: SiteDesired): ManagedStateInput {
  const policies = [...desired.affinities.entries()]
    .filter(([, affinity]) => affinity !== 'none')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, affinity]) => {
      const [namespace = '', service = ''] = key.split('/');
      return { service, namespace, affinity };
    });
  const clustersetIps = Object.fromEntries(
    Object.entries(desired.clustersetIps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    exports: desired.exports,
    namespaces: [...new Set(desired.namespaces)].sort(),
    policies,
    clustersetIps,
  };
}

/**
 * Writes the cluster's desired state into the site's managed.json and tells the router,
 * coalescing bursts: at most one write in flight, changes arriving meanwhile are folded into the
 * next one, and a state equal to the one on disk is not written (the router reloads only for
 * real changes). site.yaml, what a person wrote, is never touched.
 */
export class ManagedStateSync {
  private enabled = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private again = false;
  private written: string | undefined;
  /** Number of writes made (each one is a router reload). */
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
        this.logger.error({ err }, 'cannot write the managed state; retrying');
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
    const state = managedStateOf(this.desired());
    const text = JSON.stringify(state);
    this.written ??= await readFile(this.paths.managed, 'utf8').catch(() => '');
    if (text === this.written) return;
    await withSiteLock(this.paths.lock, () => saveManagedState(this.paths.managed, state));
    this.written = text;
    this.writes++;
    const live = await noticeRouter(this.paths);
    this.logger.info(
      {
        exports: state.exports?.length ?? 0,
        namespaces: state.namespaces?.length ?? 0,
        routerReloaded: live,
      },
      'managed state updated from the cluster',
    );
  }
}
