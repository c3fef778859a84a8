import { readFile } from 'node:fs/promises';
import { readStateText, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { TlsMaterial } from './tls-material.js';

/** Loads the site's key, certificate and clusterset CA from its directory. */
export async function loadSiteMaterial(
  paths: SitePaths,
  siteId: string,
  trustDomain: string,
): Promise<TlsMaterial> {
  const [keyPem, certPem, caPem] = await Promise.all([
    readFile(paths.key, 'utf8'),
    readFile(paths.cert, 'utf8'),
    readFile(paths.caCert, 'utf8'),
  ]);
  return { siteId, trustDomain, keyPem, certPem, caPem };
}

/** The CA key, present only on the site that created the clusterset; one that is there but unreadable is an error, not "no CA". */
export async function loadCaKey(paths: SitePaths): Promise<string | undefined> {
  const read = await readStateText(paths.caKey);
  if (read.kind === 'unreadable') {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${paths.caKey}: cannot be read (${read.error.code ?? read.error.message})`,
      { cause: read.error, hint: 'give the router user read access to the site directory' },
    );
  }
  return read.kind === 'ok' ? read.value : undefined;
}
