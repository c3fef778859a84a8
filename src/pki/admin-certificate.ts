import { X509Certificate } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { importPublicKey, importSigningKey } from './key-pair.js';
import { randomSerialNumber } from './serial-number.js';
import { isValidSiteId } from './site-id.js';
import { assertTrustDomain } from './trust-domain.js';
import { validityWindow } from './validity.js';
import { ecdsaP256, x509 } from './x509-runtime.js';

/** What the clusterset CA needs to certify an operator's admin key. */
export type IssueAdminCertificateOptions = {
  caCertPem: string;
  caKeyPem: string;
  trustDomain: string;
  /** The operator's name, a DNS label such as `ops` (becomes spiffe://<td>/admin/<name>). */
  name: string;
  publicKeyPem: string;
  validDays?: number;
};

const defaultAdminValidDays = 90;

/** The SPIFFE ID of an admin key: `spiffe://<trustDomain>/admin/<name>`. */
export function adminSpiffeId(trustDomain: string, name: string): string {
  return `spiffe://${trustDomain}/admin/${name}`;
}

/**
 * Issues an admin certificate: it signs clusterset-wide control messages (a revocation) but is
 * no site certificate (no server or client TLS use), so it can never open a link.
 */
export async function issueAdminCertificate(opts: IssueAdminCertificateOptions): Promise<string> {
  assertTrustDomain(opts.trustDomain);
  if (!isValidSiteId(opts.name))
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `admin name ${JSON.stringify(opts.name)} is not a DNS-1123 subdomain`,
    );
  const caCert = new x509.X509Certificate(opts.caCertPem);
  const publicKey = await importPublicKey(opts.publicKeyPem, 'admin public key');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [`admin ${opts.name}`] }],
    issuer: caCert.subjectName,
    ...validityWindow({ validDays: opts.validDays ?? defaultAdminValidDays }),
    publicKey,
    signingKey: await importSigningKey(opts.caKeyPem, 'CA private key'),
    signingAlgorithm: ecdsaP256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension([
        { type: 'url', value: adminSpiffeId(opts.trustDomain, opts.name) },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return cert.toString('pem');
}

/** The admin name a certificate proves (its one spiffe://<td>/admin/<name> URI SAN); throws otherwise. */
export function adminIdentityOf(cert: string | X509Certificate, trustDomain: string): string {
  const prefix = `spiffe://${trustDomain}/admin/`;
  let names: string[];
  try {
    const parsed = new x509.X509Certificate(typeof cert === 'string' ? cert : cert.toString());
    const san = parsed.getExtension(x509.SubjectAlternativeNameExtension);
    names = (san?.names.items ?? [])
      .filter((n) => n.type === 'url' && n.value.startsWith(prefix))
      .map((n) => n.value.slice(prefix.length));
  } catch (cause) {
    throw new CausewayError(ErrorCode.PeerIdentity, 'admin certificate is unreadable', { cause });
  }
  const [name] = names;
  if (names.length !== 1 || name === undefined || !isValidSiteId(name))
    throw new CausewayError(
      ErrorCode.PeerIdentity,
      `the certificate names no single ${prefix}<name> URI SAN`,
    );
  return name;
}
