import { readFile } from 'node:fs/promises';
import { loadSiteConfig, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { loadCaKey } from '../link/index.js';
import {
  addRevocations,
  signRevocation,
  verifyRevocation,
  type AuthorityKey,
} from '../membership/index.js';
import { isValidSiteId } from '../pki/index.js';
import { noticeRouter } from './router-notice.js';

export interface RevokeSiteOptions {
  reason: string;
  /** An admin key and its certificate; without them the site's own CA key signs. */
  admin?: { keyFile: string; certFile: string };
}

export interface RevokeSiteResult {
  revoked: string;
  /** `ca` or `admin/<name>`. */
  signer: string;
  /** False when the site was revoked already (the first revocation stands). */
  added: boolean;
  /** Whether a running router took it at once (else it floods at the next start). */
  live: boolean;
}

/**
 * Revokes `site` in the clusterset: signs the revocation with the CA key (or an admin key), adds
 * it to revocations.json and tells the running router, which enforces it and floods it to every
 * site.
 */
export async function revokeSite(
  paths: SitePaths,
  site: string,
  options: RevokeSiteOptions,
): Promise<RevokeSiteResult> {
  const config = await loadSiteConfig(paths.config);
  checkTarget(site, config.site.id);
  const caPem = await readFile(paths.caCert, 'utf8');
  const trust = { caPem, trustDomain: config.site.trustDomain };
  const key = await authorityKey(paths, options.admin);
  const revocation = signRevocation(site, options.reason, trust.trustDomain, key, Date.now());
  let signer: string;
  try {
    signer = verifyRevocation(revocation, trust);
  } catch (cause) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${options.admin === undefined ? paths.caKey : '--admin-key'}: does not sign for this clusterset's CA (${(cause as Error).message})`,
      {
        cause,
        hint: 'use the CA key of this clusterset, or an admin key and certificate it issued',
      },
    );
  }
  const added = await addRevocations(paths.revocations, paths.lock, [revocation]);
  const live = await noticeRouter(paths);
  return { revoked: site, signer, added: added.length > 0, live };
}

function checkTarget(site: string, self: string): void {
  if (!isValidSiteId(site))
    throw new CausewayError(ErrorCode.InputInvalid, `<site>: "${site}" is not a site id`, {
      hint: 'give the id of the site to revoke, as `causeway status` lists it (e.g. eu-west)',
    });
  if (site === self)
    throw new CausewayError(ErrorCode.InputInvalid, `<site>: ${site} is this site`, {
      hint: 'revoke a site from another site of the clusterset (one holding the CA key, or with --admin-key)',
    });
}

async function authorityKey(
  paths: SitePaths,
  admin: RevokeSiteOptions['admin'],
): Promise<AuthorityKey> {
  if (admin !== undefined)
    return {
      keyPem: await readInput(admin.keyFile, '--admin-key'),
      adminCertificate: await readInput(admin.certFile, '--admin-cert'),
    };
  const caKey = await loadCaKey(paths);
  if (caKey === undefined)
    throw new CausewayError(ErrorCode.ConfigMissing, `${paths.caKey}: this site holds no CA key`, {
      hint: 'run it on a site that holds the CA key, or pass --admin-key and --admin-cert (`causeway admin issue` there makes them)',
    });
  return { keyPem: caKey };
}

async function readInput(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { hint: `pass the file \`causeway admin issue\` wrote` },
    );
  }
}
