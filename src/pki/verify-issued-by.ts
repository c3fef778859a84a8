import { X509Certificate } from 'node:crypto';

/**
 * True when `leafPem` names `caPem` as issuer, carries a valid signature by the CA's key and both
 * are inside their validity period at `now`. Unreadable input is simply "not issued by".
 */
export function verifyIssuedBy(leafPem: string, caPem: string, now: Date = new Date()): boolean {
  try {
    const leaf = new X509Certificate(leafPem);
    const ca = new X509Certificate(caPem);
    return (
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey) &&
      isCurrent(leaf, now) &&
      isCurrent(ca, now)
    );
  } catch {
    return false;
  }
}

function isCurrent(cert: X509Certificate, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(cert.validFrom) <= t && t <= Date.parse(cert.validTo);
}
