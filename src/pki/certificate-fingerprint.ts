import { X509Certificate, createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of the certificate's DER; tokens pin the CA by this value. */
export function certificateFingerprint(certPem: string): string {
  const der = new X509Certificate(certPem).raw;
  return createHash('sha256').update(der).digest('hex');
}
