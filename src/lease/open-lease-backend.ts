import { join, resolve } from 'node:path';
import type { SiteConfig } from '../config/index.js';
import { EmbeddedLeaseBackend } from './embedded-lease-backend.js';
import { EtcdLeaseBackend } from './etcd-lease-backend.js';
import type { LeaseBackend } from './lease-backend.js';

/** Where a site's leases live, as its config's `leases` section (or the lease CLI's flags) says. */
export type LeaseStoreSettings = Pick<SiteConfig['leases'], 'backend' | 'endpoints' | 'file'>;

/** Opens the configured store; a relative embedded file is taken from the site directory. */
export function openLeaseBackend(settings: LeaseStoreSettings, siteDir: string): LeaseBackend {
  if (settings.backend === 'etcd') return new EtcdLeaseBackend({ hosts: settings.endpoints });
  return new EmbeddedLeaseBackend({ path: settings.file === undefined ? join(siteDir, 'leases.json') : resolve(siteDir, settings.file) });
}
