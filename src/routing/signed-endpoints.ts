import { sign, verify, X509Certificate } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { siteIdentityOf, verifyIssuedBy } from '../pki/index.js';

/** A site's link endpoints as it advertises them: signed by its own key, with its certificate. */
export interface SignedEndpoints {
  /** `host:port` addresses other sites dial, best first. */
  addresses: string[];
  /** The origin's site certificate (PEM), chained to the clusterset CA. */
  certificate: string;
  /** ECDSA/SHA-256 (DER, base64) over `endpointsSigningInput`. */
  signature: string;
}

/**
 * What the origin signs: origin, epoch and seq bind the list to one advert, so a transit site
 * can neither move a list to another site nor replay an older list of the same site.
 */
export function endpointsSigningInput(origin: string, epoch: number, seq: number, addresses: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify(['causeway-endpoints/1', origin, epoch, seq, addresses]));
}

/** Signs this site's endpoints for one advert. */
export function signEndpoints(advert: { origin: string; epoch: number; seq: number }, addresses: readonly string[], keyPem: string, certPem: string): SignedEndpoints {
  const signature = sign('sha256', endpointsSigningInput(advert.origin, advert.epoch, advert.seq, addresses), keyPem).toString('base64');
  return { addresses: [...addresses], certificate: certPem, signature };
}

/**
 * Checks that `signed` comes from `advert.origin`: its certificate is issued by the clusterset CA
 * and names the origin, and the signature covers this advert. Throws a typed error otherwise.
 */
export function verifyEndpoints(advert: { origin: string; epoch: number; seq: number }, signed: SignedEndpoints, trust: { caPem: string; trustDomain: string }, now = new Date()): void {
  const refuse = (why: string): never => {
    throw new CausewayError(ErrorCode.AdvertSignature, `link endpoints advertised for ${advert.origin} refused: ${why}`);
  };
  if (!verifyIssuedBy(signed.certificate, trust.caPem, now)) refuse('the certificate is not issued by the clusterset CA (or is not current)');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(signed.certificate);
  } catch {
    return refuse('the certificate is unreadable');
  }
  let id: string;
  try {
    id = siteIdentityOf(cert, trust.trustDomain);
  } catch (err) {
    return refuse((err as Error).message);
  }
  if (id !== advert.origin) refuse(`the certificate is site ${id}'s`);
  let ok = false;
  try {
    ok = verify('sha256', endpointsSigningInput(advert.origin, advert.epoch, advert.seq, signed.addresses), cert.publicKey, Buffer.from(signed.signature, 'base64'));
  } catch {
    // A signature that is not even DER is simply one that does not match.
  }
  if (!ok) refuse('the signature does not match');
}
