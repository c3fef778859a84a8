import { createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { adminIdentityOf, verifyIssuedBy } from '../pki/index.js';

/**
 * Who may sign a clusterset-wide control message (a revocation, a drill): the holder of the CA key,
 * or an admin key whose certificate the CA issued. No site certificate qualifies, so a site cannot
 * act on others by itself.
 */
export interface AuthorityKey {
  /** PKCS#8 PEM: the CA key, or the admin key. */
  keyPem: string;
  /** The admin certificate; absent when `keyPem` is the CA key. */
  adminCertificate?: string;
}

/** The signature a control message carries; verifiable with the clusterset CA alone. */
export interface AuthoritySignature {
  signer: 'ca' | 'admin';
  /** The admin certificate (PEM) when `signer` is admin. */
  certificate?: string;
  /** ECDSA/SHA-256 (DER, base64) over `authoritySigningInput`. */
  signature: string;
}

/** Purpose and trust domain are signed too: a signature cannot be moved to another kind of message or clusterset. */
export function authoritySigningInput(purpose: string, trustDomain: string, body: unknown): Buffer {
  return Buffer.from(JSON.stringify([purpose, trustDomain, body]));
}

/** Signs `body` for `purpose` (e.g. `causeway-revocation/1`) with the CA key or an admin key. */
export function signAsAuthority(
  purpose: string,
  trustDomain: string,
  body: unknown,
  key: AuthorityKey,
): AuthoritySignature {
  const signature = sign(
    'sha256',
    authoritySigningInput(purpose, trustDomain, body),
    createPrivateKey(key.keyPem),
  ).toString('base64');
  return key.adminCertificate === undefined
    ? { signer: 'ca', signature }
    : { signer: 'admin', certificate: key.adminCertificate, signature };
}

/**
 * Checks that `signed` is the CA's or a current admin's signature over `body`; returns who signed
 * (`ca` or `admin/<name>`), throws CW_CONTROL_SIGNATURE otherwise.
 */
export function verifyAuthority(
  purpose: string,
  body: unknown,
  signed: AuthoritySignature,
  trust: { caPem: string; trustDomain: string },
  now: Date = new Date(),
): string {
  const { publicKey, who } = signerKey(signed, trust, now);
  let ok = false;
  try {
    ok = verify(
      'sha256',
      authoritySigningInput(purpose, trust.trustDomain, body),
      publicKey,
      Buffer.from(signed.signature, 'base64'),
    );
  } catch {
    // A signature that is not even DER is one that does not match.
  }
  if (!ok) refuse(`the signature by ${who} does not match`);
  return who;
}

function signerKey(
  signed: AuthoritySignature,
  trust: { caPem: string; trustDomain: string },
  now: Date,
): { publicKey: X509Certificate['publicKey']; who: string } {
  if (signed.signer === 'ca')
    return { publicKey: new X509Certificate(trust.caPem).publicKey, who: 'ca' };
  const certificate = signed.certificate ?? refuse('an admin signature without its certificate');
  if (!verifyIssuedBy(certificate, trust.caPem, now))
    refuse('the admin certificate is not issued by the clusterset CA (or is not current)');
  let name: string;
  try {
    name = adminIdentityOf(certificate, trust.trustDomain);
  } catch (err) {
    return refuse((err as Error).message);
  }
  return { publicKey: new X509Certificate(certificate).publicKey, who: `admin/${name}` };
}

function refuse(why: string): never {
  throw new CausewayError(ErrorCode.ControlSignature, `signed control message refused: ${why}`);
}
