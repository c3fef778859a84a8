import { webcrypto } from 'node:crypto';
import { privateKeyToPem } from './key-pair.js';
import { assertTrustDomain } from './trust-domain.js';
import { validityWindow } from './validity.js';
import { ecdsaP256, x509 } from './x509-runtime.js';
import { randomSerialNumber } from './serial-number.js';

/** The clusterset CA: its certificate and PKCS#8 private key, both PEM. */
export type ClustersetCa = { certPem: string; keyPem: string };

const defaultCaValidDays = 3650;

/** Creates the self-signed CA that every site certificate of one clusterset chains to. */
export async function createClustersetCa(opts: {
  trustDomain: string;
  validDays?: number;
}): Promise<ClustersetCa> {
  assertTrustDomain(opts.trustDomain);
  const keys = await webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
  const { notBefore, notAfter } = validityWindow({
    validDays: opts.validDays ?? defaultCaValidDays,
  });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    // JSON form, so a trust domain is never parsed as DN syntax.
    name: [{ CN: [`Causeway clusterset CA ${opts.trustDomain}`] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ecdsaP256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      new x509.SubjectAlternativeNameExtension([
        { type: 'url', value: `spiffe://${opts.trustDomain}` },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyToPem(keys.privateKey) };
}
