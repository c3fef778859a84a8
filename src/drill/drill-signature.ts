import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { adminIdentityOf, verifyIssuedBy } from '../pki/index.js';
import type { DrillMessage, UnsignedDrillMessage } from './drill-message.js';

/**
 * What the CA key signs: every field in a fixed order, so no field of a relayed drill can be
 * changed (a longer `endsAt`, another site isolated) without the signature failing.
 */
export function drillSigningInput(m: UnsignedDrillMessage): Buffer {
  const fields =
    m.type === 'drill'
      ? [m.id, m.kind, m.sites, m.addMs ?? null, m.jitterMs ?? null, m.percent ?? null]
      : [m.id];
  return Buffer.from(
    JSON.stringify([
      'causeway-drill/1',
      m.type,
      ...fields,
      m.issuedAt,
      m.type === 'drill' ? m.endsAt : null,
      m.issuer,
    ]),
  );
}

/** A key allowed to stage failures: the clusterset CA's, or an admin key with its certificate. */
export interface DrillSigningKey {
  keyPem: string;
  /** The admin certificate (from `causeway admin issue`); absent when `keyPem` is the CA key. */
  adminCertificate?: string;
}

/** Signs a drill message with the CA key (PEM) or an admin key: only their holders may stage failures. */
export function signDrill<M extends UnsignedDrillMessage>(
  message: M,
  key: string | DrillSigningKey,
): M & { signature: string; certificate?: string } {
  const { keyPem, adminCertificate } = typeof key === 'string' ? { keyPem: key } : key;
  const signature = sign('sha256', drillSigningInput(message), createPrivateKey(keyPem)).toString(
    'base64',
  );
  return adminCertificate === undefined
    ? { ...message, signature }
    : { ...message, signature, certificate: adminCertificate };
}

/** The CA's public key, parsed once per CA. */
let caKey: { pem: string; key: KeyObject } | undefined;

/** The trust that decides whose drills count: the clusterset CA and its trust domain. */
export interface DrillTrust {
  caPem: string;
  trustDomain: string;
}

/**
 * Throws CW_DRILL_REFUSED unless `message` is signed by the clusterset CA's key, or by an admin key
 * whose certificate that CA issued for this trust domain and which is current. A site certificate
 * never qualifies, so no site can stage failures on the others by itself.
 */
export function verifyDrill(message: DrillMessage, trust: DrillTrust, now = new Date()): void {
  const { signature, certificate, ...unsigned } = message;
  const publicKey =
    certificate === undefined
      ? caPublicKey(trust.caPem)
      : adminKey(message, certificate, trust, now);
  let ok = false;
  try {
    ok = verify('sha256', drillSigningInput(unsigned), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    // A signature that is not even DER is one that does not match.
  }
  if (!ok)
    refuse(
      message,
      certificate === undefined
        ? 'not signed by the clusterset CA'
        : 'the signature does not match its admin certificate',
    );
}

function caPublicKey(caPem: string): KeyObject {
  if (caKey?.pem !== caPem) caKey = { pem: caPem, key: new X509Certificate(caPem).publicKey };
  return caKey.key;
}

function adminKey(
  message: DrillMessage,
  certificate: string,
  trust: DrillTrust,
  now: Date,
): KeyObject {
  if (!verifyIssuedBy(certificate, trust.caPem, now))
    refuse(message, 'its admin certificate is not issued by the clusterset CA, or not current');
  try {
    adminIdentityOf(certificate, trust.trustDomain);
  } catch {
    refuse(message, `its certificate names no admin of trust domain ${trust.trustDomain}`);
  }
  return new X509Certificate(certificate).publicKey;
}

function refuse(message: DrillMessage, why: string): never {
  throw new CausewayError(
    ErrorCode.DrillRefused,
    `drill ${message.id} from ${message.issuer} refused: ${why}`,
    {
      hint: 'drills are started with `causeway drill` on the site holding the CA key (ca.key), or with --admin-key and --admin-cert from `causeway admin issue`',
    },
  );
}
