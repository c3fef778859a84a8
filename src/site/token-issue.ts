import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { ApiClient } from '../api/index.js';
import { loadSiteConfig, parseHostPort, withSiteLock, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { certificateFingerprint } from '../pki/index.js';
import { TokenStore, encodeToken, type LinkEndpoint, type LinkToken } from '../token/index.js';

/** Issues a link token for this site; the text is the only place the secret ever exists. */
export async function issueLinkToken(
  paths: SitePaths,
  options: { uses: number; ttlMs: number },
): Promise<{ token: LinkToken; text: string }> {
  const config = await loadSiteConfig(paths.config);
  const endpoints = await advertisedEndpoints(paths, config.link.listen, config.link.advertise);
  const caPem = await readFile(paths.caCert, 'utf8');
  const token = await withSiteLock(paths.lock, () =>
    new TokenStore(paths.tokens).issue({
      trustDomain: config.site.trustDomain,
      caFingerprint: certificateFingerprint(caPem),
      issuerSite: config.site.id,
      endpoints,
      uses: options.uses,
      ttlMs: options.ttlMs,
    }),
  );
  return { token, text: encodeToken(token) };
}

/**
 * Where other sites should dial: `link.advertise` when set; otherwise the listen address, with a
 * wildcard host replaced by this host's addresses and port 0 by the port the router really bound.
 */
async function advertisedEndpoints(
  paths: SitePaths,
  listen: string,
  advertise: string[],
): Promise<LinkEndpoint[]> {
  if (advertise.length > 0) return advertise.map((a) => parseHostPort(a, 'link.advertise'));
  const bound = parseHostPort(listen, 'link.listen', true);
  let port = bound.port;
  if (port === 0) {
    const runtime = await new ApiClient(paths).runtime();
    if (runtime === undefined) {
      throw new CausewayError(
        ErrorCode.RouterNotRunning,
        'link.listen uses port 0, so the link port is known only while the router runs',
        {
          hint: `start it with \`causeway site run --dir ${paths.dir}\`, or set link.advertise in ${paths.config}`,
        },
      );
    }
    port = runtime.linkAddress.port;
  }
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::';
  return (wildcard ? hostAddresses() : [bound.host]).map((host) => ({ host, port }));
}

/** Non-internal IPv4 addresses first (most likely reachable), then loopback as a last resort. */
function hostAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal && a.family === 'IPv4').map((a) => a.address);
  return [...external.slice(0, 7), '127.0.0.1'];
}
