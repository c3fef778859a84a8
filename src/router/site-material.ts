import { readFile } from 'node:fs/promises';
import type { SitePaths } from '../config/index.js';
import type { TlsMaterial } from '../link/index.js';

/** Loads the site's key, certificate and clusterset CA from its directory. */
export async function loadSiteMaterial(paths: SitePaths, siteId: string, trustDomain: string): Promise<TlsMaterial> {
  const [keyPem, certPem, caPem] = await Promise.all([
    readFile(paths.key, 'utf8'),
    readFile(paths.cert, 'utf8'),
    readFile(paths.caCert, 'utf8'),
  ]);
  return { siteId, trustDomain, keyPem, certPem, caPem };
}

/** The CA key, present only on the site that created the clusterset. */
export async function loadCaKey(paths: SitePaths): Promise<string | undefined> {
  return readFile(paths.caKey, 'utf8').catch(() => undefined);
}
