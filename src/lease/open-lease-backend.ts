import { join, resolve } from 'node:path';
import type { SiteConfig } from '../config/index.js';
import { EmbeddedLeaseBackend } from './embedded-lease-backend.js';
import type { EtcdLeaseBackendOptions } from './etcd-lease-backend.js';
import type { LeaseBackend } from './lease-backend.js';
import { LazyLeaseBackend } from './lazy-lease-backend.js';

/** Where a site's leases live, as its config's `leases` section (or the lease CLI's flags) says. */
export type LeaseStoreSettings = Pick<SiteConfig['leases'], 'backend' | 'endpoints' | 'file'> &
  Partial<Pick<SiteConfig['leases'], 'ttlMs'>>;

/**
 * Opens the configured store; a relative embedded file is taken from the site directory. With
 * a TTL, one etcd request may take at most a third of it: a renewal stuck for a whole term would
 * let the lease lapse while the holder waits.
 */
export function openLeaseBackend(settings: LeaseStoreSettings, siteDir: string): LeaseBackend {
  if (settings.backend === 'etcd') {
    const callTimeoutMs =
      settings.ttlMs === undefined
        ? undefined
        : Math.max(200, Math.min(2_000, Math.floor(settings.ttlMs / 3)));
    return openEtcdLeaseBackend({
      hosts: settings.endpoints,
      ...(callTimeoutMs === undefined ? {} : { callTimeoutMs }),
    });
  }
  return new EmbeddedLeaseBackend({
    path:
      settings.file === undefined ? join(siteDir, 'leases.json') : resolve(siteDir, settings.file),
  });
}

/** The etcd backend, its client loaded on first use (see LazyLeaseBackend). */
export function openEtcdLeaseBackend(options: EtcdLeaseBackendOptions): LeaseBackend {
  return new LazyLeaseBackend(
    async () => new (await import('./etcd-lease-backend.js')).EtcdLeaseBackend(options),
  );
}
