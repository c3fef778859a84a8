/**
 * The Secret protocol that links two clusters through their API servers (`causeway kube link`):
 * a token request in one cluster, the token carried to the other as a link-token Secret.
 */
export const LinkSecret = {
  /** Label: this Secret asks the controller to issue a link token into `data.token`. */
  tokenRequestLabel: 'causeway.io/token-request',
  /** Annotation on a request: the site the token is meant for. */
  forSiteAnnotation: 'causeway.io/for-site',
  /** Annotation the controller sets when it wrote the token (RFC 3339). */
  issuedAtAnnotation: 'causeway.io/issued-at',
  /** Label: this Secret carries a token (`data.token`) for the controller to redeem. */
  linkTokenLabel: 'causeway.io/link-token',
  /** Annotation the controller sets after redeeming: `Linked` or `Failed`. */
  linkStatusAnnotation: 'causeway.io/link-status',
  /** Annotation with the details of the outcome. */
  linkMessageAnnotation: 'causeway.io/link-message',
} as const;

/** Link tokens issued for another cluster are single-use and short-lived: 10 minutes. */
export const LINK_TOKEN_TTL_MS = 10 * 60_000;

export type SecretAction =
  | { kind: 'issue'; forSite: string }
  | { kind: 'redeem'; token: string }
  | { kind: 'none'; why: string };

/** What a labelled Secret in the controller namespace asks for (pure; the protocol's decision table). */
export function secretAction(secret: {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}): SecretAction {
  const labels = secret.metadata.labels ?? {};
  const annotations = secret.metadata.annotations ?? {};
  const token = secret.data?.['token'];
  if (labels[LinkSecret.tokenRequestLabel] === 'true') {
    if (token !== undefined || annotations[LinkSecret.issuedAtAnnotation] !== undefined)
      return { kind: 'none', why: 'token already issued' };
    const forSite = annotations[LinkSecret.forSiteAnnotation];
    if (forSite === undefined || forSite === '')
      return { kind: 'none', why: `no ${LinkSecret.forSiteAnnotation} annotation` };
    return { kind: 'issue', forSite };
  }
  if (labels[LinkSecret.linkTokenLabel] === 'true') {
    if (annotations[LinkSecret.linkStatusAnnotation] !== undefined)
      return { kind: 'none', why: 'already redeemed' };
    if (token === undefined || token === '') return { kind: 'none', why: 'no data.token yet' };
    return { kind: 'redeem', token: Buffer.from(token, 'base64').toString('utf8').trim() };
  }
  return { kind: 'none', why: 'not a link Secret' };
}
