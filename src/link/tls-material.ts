/** A site's TLS identity: its key, its certificate chain and the clusterset CA it trusts. */
export interface TlsMaterial {
  readonly siteId: string;
  readonly trustDomain: string;
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
}

/** Our certificate followed by the CA, so a redeeming site can pin the CA by fingerprint. */
export function certificateChain(material: TlsMaterial): string {
  return `${material.certPem.trim()}\n${material.caPem.trim()}\n`;
}
