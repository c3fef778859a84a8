import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import {
  loadRemovedPeers,
  loadSiteConfig,
  saveRemovedPeers,
  saveSiteConfig,
  withSiteLock,
  type SiteConfig,
  type SitePaths,
} from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { redeemToken } from '../link/index.js';
import { decodeToken, formatEndpoint, type LinkToken } from '../token/index.js';
import { noticeRouterOrRestore } from './config-edit.js';

export interface LinkCreateResult {
  peer: string;
  endpoint: string;
  trustDomain: string;
  joined: boolean;
  live: boolean;
}

/**
 * Redeems a token at the issuing site and records a link to it. Only this side dials, so the
 * issuing site never needs to reach us (NAT and firewall friendly). If this site has never linked
 * and still uses the CA it made at init, it joins the token's clusterset and retires that CA.
 */
export async function createLink(
  paths: SitePaths,
  tokenText: string,
  options: { cost: number; connections: number },
): Promise<LinkCreateResult> {
  const token = decodeToken(tokenText);
  const config = await loadSiteConfig(paths.config);
  if (token.issuerSite === config.site.id) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `the token was issued by this site (${config.site.id})`,
      { hint: 'redeem it on the other site' },
    );
  }
  const joining = token.trustDomain !== config.site.trustDomain;
  if (joining) await assertCanJoin(paths, config, token);
  const publicKeyPem = createPublicKey(await readFile(paths.key, 'utf8'))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const result = await redeemToken(token, {
    site: { id: config.site.id, zone: config.site.zone, region: config.site.region },
    publicKeyPem,
    memberOf: config.site.trustDomain,
  });
  const edit = await withSiteLock(paths.lock, async () => {
    const previous = await readFile(paths.config, 'utf8');
    const current = await loadSiteConfig(paths.config);
    // A new token from a site that removed its link to us links again: we no longer refuse it either.
    const removed = await loadRemovedPeers(paths.removedPeers);
    if (removed.delete(result.issuerSite)) await saveRemovedPeers(paths.removedPeers, removed);
    if (joining)
      await adoptClusterset(paths, current, result.caPem, result.certPem, result.trustDomain);
    else if (result.certPem !== undefined) await writeFile(paths.cert, result.certPem);
    current.links = current.links.filter((l) => l.peer !== result.issuerSite);
    current.links.push({
      peer: result.issuerSite,
      endpoints: token.endpoints.map(formatEndpoint),
      cost: options.cost,
      connections: options.connections,
    });
    await saveSiteConfig(paths.config, current);
    return { previous, written: await readFile(paths.config, 'utf8') };
  });
  const live = await noticeRouterOrRestore(paths, edit);
  return {
    peer: result.issuerSite,
    endpoint: formatEndpoint(result.endpoint),
    trustDomain: result.trustDomain,
    joined: joining,
    live,
  };
}

/** Joining is only safe for a site nobody trusts yet: no links, no tokens handed out. */
async function assertCanJoin(
  paths: SitePaths,
  config: SiteConfig,
  token: LinkToken,
): Promise<void> {
  // The token file is created by the first `token issue` and never removed: a site that ever
  // handed out a token may have peers trusting its CA, even after every token has expired.
  const everIssued = await stat(paths.tokens).then(
    () => true,
    () => false,
  );
  if (config.links.length > 0 || everIssued) {
    throw new CausewayError(
      ErrorCode.TokenOtherClusterset,
      `the token is for clusterset ${token.trustDomain}, but this site already belongs to clusterset ${config.site.trustDomain}`,
      { hint: 'a site belongs to one clusterset; create a new site directory to join another one' },
    );
  }
}

async function adoptClusterset(
  paths: SitePaths,
  config: SiteConfig,
  caPem: string,
  certPem: string | undefined,
  trustDomain: string,
): Promise<void> {
  if (certPem === undefined) {
    throw new CausewayError(
      ErrorCode.LinkRedeemFailed,
      'the issuing site returned no certificate for this site',
    );
  }
  await writeFile(paths.caCert, caPem);
  await writeFile(paths.cert, certPem);
  // Our own CA was never used (no links, no tokens): remove it so this site cannot sign anything.
  await rm(paths.caKey, { force: true });
  config.site.trustDomain = trustDomain;
}
