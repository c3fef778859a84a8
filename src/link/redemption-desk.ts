import type { TLSSocket } from 'node:tls';
import { withSiteLock, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { RedeemRequest, readMessage, sendMessage, type RedeemResponse } from './redeem-messages.js';
import type { TlsMaterial } from './tls-material.js';
import type { Logger, RouterMetrics } from '../observability/index.js';
import { isValidSiteId, issueSiteCertificate } from '../pki/index.js';
import { TokenStore } from '../token/index.js';
import { loadCaKey } from './load-site-material.js';

const REQUEST_TIMEOUT_MS = 10_000;

/** Serves token redemptions on the link port: checks the token, then certifies the joining site. */
export class RedemptionDesk {
  private readonly store: TokenStore;

  constructor(
    private readonly paths: SitePaths,
    private readonly material: () => TlsMaterial,
    private readonly logger: Logger,
    private readonly metrics: RouterMetrics,
    /** Revoked sites: a revoked desk certifies nobody, and a revoked site redeems nothing. */
    private readonly isRevoked: (site: string) => boolean = () => false,
  ) {
    this.store = new TokenStore(paths.tokens);
  }

  /** Serves one redemption; resolves with the site that redeemed, undefined when it was refused. */
  async serve(socket: TLSSocket): Promise<string | undefined> {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    let joining: string | undefined;
    try {
      const request = await readMessage(socket, RedeemRequest, REQUEST_TIMEOUT_MS);
      joining = request.site.id;
      const response = await this.redeem(request);
      sendMessage(socket, response);
      this.metrics.tokenRedemptions.inc({ result: 'ok' });
      this.logger.info(
        {
          peer: joining,
          remote,
          tokenId: request.id,
          certified: response.ok && response.certPem !== undefined,
        },
        'link token redeemed',
      );
      return joining;
    } catch (err) {
      const code = err instanceof CausewayError ? err.code : ErrorCode.LinkRedeemFailed;
      const message = err instanceof Error ? err.message : String(err);
      this.metrics.tokenRedemptions.inc({ result: code });
      // The secret is never logged: only the token id travels into messages.
      this.logger.warn({ peer: joining, remote, code, reason: message }, 'link token refused');
      if (!socket.destroyed) sendMessage(socket, { ok: false, code, message });
      return undefined;
    } finally {
      socket.end();
    }
  }

  private async redeem(request: RedeemRequest): Promise<RedeemResponse> {
    const material = this.material();
    if (!isValidSiteId(request.site.id)) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `"${request.site.id}" is not a valid site id`,
      );
    }
    for (const site of [material.siteId, request.site.id])
      if (this.isRevoked(site))
        throw new CausewayError(
          ErrorCode.SiteRevoked,
          `site ${site} is revoked in this clusterset`,
          {
            hint: 'a revoked site id is not admitted again: create the site anew under another id',
          },
        );
    if (request.site.id === material.siteId) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `the joining site uses this site's own id "${material.siteId}"`,
      );
    }
    return withSiteLock(this.paths.lock, async () => {
      const caKey = await loadCaKey(this.paths);
      // Checked before the token is spent, so a site that cannot be certified keeps its token.
      if (caKey === undefined && request.memberOf !== material.trustDomain) {
        throw new CausewayError(
          ErrorCode.LinkRedeemFailed,
          `site ${material.siteId} holds no CA key and cannot certify a new site`,
          {
            hint: 'issue the first token for a new site on the site that created the clusterset',
          },
        );
      }
      await this.store.redeem(request.id, request.secret);
      const certPem =
        caKey === undefined
          ? undefined
          : await issueSiteCertificate({
              caCertPem: material.caPem,
              caKeyPem: caKey,
              trustDomain: material.trustDomain,
              siteId: request.site.id,
              publicKeyPem: request.publicKeyPem,
            });
      return {
        ok: true,
        trustDomain: material.trustDomain,
        issuerSite: material.siteId,
        caPem: material.caPem,
        ...(certPem === undefined ? {} : { certPem }),
      };
    });
  }
}
