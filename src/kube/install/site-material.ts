import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { loadSiteConfig, saveSiteConfig, sitePaths, type SiteConfig } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { initSite } from '../../site/index.js';
import type { KubeSession } from './kube-session.js';
import {
  SITE_SECRET,
  readSiteFiles,
  siteConfigOf,
  siteFilesOf,
  type SiteFiles,
} from './site-secret.js';

export interface SiteIdentity {
  siteId: string;
  zone: string;
  region: string;
  /** Addresses other sites dial (the link Service's external address); written into tokens. */
  advertise: string[];
  trustDomain?: string;
}

/** In the pod: the link port every manifest exposes, and DNS on an unprivileged port behind Service port 53. */
export const POD_LINK_LISTEN = '0.0.0.0:7443';
export const POD_DNS_LISTEN = '0.0.0.0:5353';

/**
 * The site's files for an in-cluster router: those already in the cluster's Secret (so a re-run
 * keeps the site's keys and links), else a new site made in a private temp dir that is removed.
 */
export async function clusterSiteFiles(
  session: KubeSession,
  namespace: string,
  identity: SiteIdentity,
): Promise<{ files: SiteFiles; created: boolean }> {
  const secret = await session.read<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    name: SITE_SECRET,
    namespace,
  });
  if (secret !== undefined) {
    const files = siteFilesOf(secret);
    const source = `context ${session.context}: Secret ${namespace}/${SITE_SECRET}`;
    const config = siteConfigOf(files, source);
    refuseOtherSite(config.site.id, identity.siteId, source, session.context);
    if (
      identity.advertise.length > 0 &&
      config.link.advertise.join(',') !== identity.advertise.join(',')
    ) {
      config.link.advertise = identity.advertise;
      files.set('site.yaml', Buffer.from(stringify(config)));
    }
    return { files, created: false };
  }
  const scratch = await mkdtemp(join(tmpdir(), 'causeway-kube-'));
  try {
    const dir = join(scratch, 'site');
    const { paths } = await initSite({ ...siteInit(identity), dir, listen: POD_LINK_LISTEN });
    const config = await loadSiteConfig(paths.config);
    config.dns.listen = POD_DNS_LISTEN;
    await saveSiteConfig(paths.config, config);
    return { files: await readSiteFiles(dir), created: true };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * For a router run outside the cluster (`--site-dir`): keeps an existing site directory if it is
 * the same site, else creates it; the user runs `causeway site run --dir` on it.
 */
export async function localSiteDir(
  dir: string,
  identity: SiteIdentity,
  listen: string,
): Promise<{ config: SiteConfig; created: boolean }> {
  const paths = sitePaths(dir);
  const exists = await stat(paths.config).then(
    () => true,
    () => false,
  );
  if (exists) {
    const config = await loadSiteConfig(paths.config);
    if (config.site.id !== identity.siteId) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `--site-dir: ${paths.dir} holds site ${config.site.id}, not ${identity.siteId}`,
        {
          hint: `use --site ${config.site.id}, or another --site-dir for ${identity.siteId}`,
        },
      );
    }
    return { config, created: false };
  }
  await initSite({ ...siteInit(identity), dir, listen });
  return { config: await loadSiteConfig(paths.config), created: true };
}

function siteInit(identity: SiteIdentity): {
  id: string;
  zone: string;
  region: string;
  advertise: string[];
  trustDomain?: string;
} {
  return {
    id: identity.siteId,
    zone: identity.zone,
    region: identity.region,
    advertise: identity.advertise,
    ...(identity.trustDomain === undefined ? {} : { trustDomain: identity.trustDomain }),
  };
}

/** One cluster is one site: installing another id over it would orphan the first one's links. */
export function refuseOtherSite(
  existing: string,
  wanted: string,
  where: string,
  context: string,
): void {
  if (existing === wanted) return;
  throw new CausewayError(
    ErrorCode.KubeSiteMismatch,
    `${where} is site ${existing}, not ${wanted}`,
    {
      hint: `use --site ${existing} to update it, or remove it first with \`causeway kube uninstall --context ${context}\``,
    },
  );
}
