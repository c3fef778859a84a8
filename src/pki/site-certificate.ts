import { CausewayError, ErrorCode } from '../errors/index.js';
import { importPublicKey, importSigningKey } from './key-pair.js';
import { randomSerialNumber } from './serial-number.js';
import { isValidSiteId } from './site-id.js';
import { assertTrustDomain, siteSpiffeId } from './trust-domain.js';
import { validityWindow } from './validity.js';
import { ecdsaP256, x509 } from './x509-runtime.js';

/** What the clusterset CA needs to certify one site's public key. */
export type IssueSiteCertificateOptions = {
  caCertPem: string;
  caKeyPem: string;
  trustDomain: string;
  siteId: string;
  publicKeyPem: string;
  validDays?: number;
  notBefore?: Date;
  notAfter?: Date;
};

const defaultSiteValidDays = 365;

/** Issues a site's TLS certificate (server and client auth), signed by the clusterset CA. */
export async function issueSiteCertificate(opts: IssueSiteCertificateOptions): Promise<string> {
  assertTrustDomain(opts.trustDomain);
  if (!isValidSiteId(opts.siteId)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `site id ${JSON.stringify(opts.siteId)} is not a DNS-1123 subdomain`,
    );
  }
  const caCert = parseCaCertificate(opts.caCertPem);
  const signingKey = await importSigningKey(opts.caKeyPem, 'CA private key');
  const publicKey = await importPublicKey(opts.publicKeyPem, 'site public key');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [opts.siteId] }],
    issuer: caCert.subjectName,
    ...validityWindow({ validDays: opts.validDays ?? defaultSiteValidDays, ...datesOf(opts) }),
    publicKey,
    signingKey,
    signingAlgorithm: ecdsaP256,
    extensions: await siteExtensions(opts, caCert, publicKey),
  });
  return cert.toString('pem');
}

async function siteExtensions(
  opts: IssueSiteCertificateOptions,
  caCert: x509.X509Certificate,
  publicKey: CryptoKey,
): Promise<x509.Extension[]> {
  const usages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.clientAuth,
    ]),
    new x509.SubjectAlternativeNameExtension([
      { type: 'url', value: siteSpiffeId(opts.trustDomain, opts.siteId) },
      // Lets node:tls check the peer against its site id with checkServerIdentity if a caller wants.
      { type: 'dns', value: opts.siteId },
    ]),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
}

function datesOf(opts: IssueSiteCertificateOptions): { notBefore?: Date; notAfter?: Date } {
  return {
    ...(opts.notBefore === undefined ? {} : { notBefore: opts.notBefore }),
    ...(opts.notAfter === undefined ? {} : { notAfter: opts.notAfter }),
  };
}

function parseCaCertificate(pem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'CA certificate is not a readable PEM certificate',
      { cause },
    );
  }
}
