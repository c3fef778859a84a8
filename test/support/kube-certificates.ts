// @peculiar/x509 needs the Reflect metadata polyfill loaded before it; ESM evaluates in order.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const day = 24 * 60 * 60 * 1_000;

/** Everything a throwaway API server needs for TLS and service-account tokens, all PEM. */
export interface KubeCertificates {
  caCertPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  serviceAccountKeyPem: string;
  serviceAccountPublicKeyPem: string;
}

function toPem(key: webcrypto.CryptoKey, type: 'pkcs8' | 'spki'): string {
  return KeyObject.from(key).export({ type, format: 'pem' }).toString();
}

function serial(): string {
  // A positive 16-byte serial: the top bit cleared keeps the DER integer non-negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/**
 * A CA of its own per cluster and a serving certificate for 127.0.0.1 and localhost signed by it,
 * so a client that trusts one cluster's CA does not trust another's. ECDSA P-256 keeps this to a
 * few milliseconds, which matters when every test starts its own clusters. `extraIpSans`: more
 * addresses clients reach the API server at (a Pod dials the `kubernetes` Service's ClusterIP).
 */
export async function createKubeCertificates(
  clusterName: string,
  extraIpSans: readonly string[] = [],
): Promise<KubeCertificates> {
  const notBefore = new Date(Date.now() - day);
  const notAfter = new Date(Date.now() + 7 * day);
  const caKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [`${clusterName} test CA`] }],
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const servingKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const serving = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ CN: ['kube-apiserver'] }],
    issuer: ca.subjectName,
    notBefore,
    notAfter,
    publicKey: servingKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes.default.svc' },
        ...extraIpSans.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serviceAccountKeys = await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  return {
    caCertPem: ca.toString('pem'),
    servingCertPem: serving.toString('pem'),
    servingKeyPem: toPem(servingKeys.privateKey, 'pkcs8'),
    serviceAccountKeyPem: toPem(serviceAccountKeys.privateKey, 'pkcs8'),
    serviceAccountPublicKeyPem: toPem(serviceAccountKeys.publicKey, 'spki'),
  };
}
