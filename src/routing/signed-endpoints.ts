import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
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
export function endpointsSigningInput(
  origin: string,
  epoch: number,
  seq: number,
  addresses: readonly string[],
): Buffer {
  return Buffer.from(JSON.stringify(['causeway-endpoints/1', origin, epoch, seq, addresses]));
}

/** Parsing a PEM key costs more than signing with it: the site's one key is parsed once. */
let signingKey: { pem: string; key: KeyObject } | undefined;

/** Signs this site's endpoints for one advert. */
export function signEndpoints(
  advert: { origin: string; epoch: number; seq: number },
  addresses: readonly string[],
  keyPem: string,
  certPem: string,
): SignedEndpoints {
  if (signingKey?.pem !== keyPem) signingKey = { pem: keyPem, key: createPrivateKey(keyPem) };
  const signature = sign(
    'sha256',
    endpointsSigningInput(advert.origin, advert.epoch, advert.seq, addresses),
    signingKey.key,
  ).toString('base64');
  return { addresses: [...addresses], certificate: certPem, signature };
}

/**
 * Checks that `signed` comes from `advert.origin`: its certificate is issued by the clusterset CA
 * and names the origin, and the signature covers this advert. Throws a typed error otherwise.
 */
export function verifyEndpoints(
  advert: { origin: string; epoch: number; seq: number },
  signed: SignedEndpoints,
  trust: { caPem: string; trustDomain: string },
  now = new Date(),
): void {
  const publicKey = originKey(advert.origin, signed.certificate, trust, now);
  let ok = false;
  try {
    ok = verify(
      'sha256',
      endpointsSigningInput(advert.origin, advert.epoch, advert.seq, signed.addresses),
      publicKey,
      Buffer.from(signed.signature, 'base64'),
    );
  } catch {
    // A signature that is not even DER is simply one that does not match.
  }
  if (!ok) refuse(advert.origin, 'the signature does not match');
}

function refuse(origin: string, why: string): never {
  throw new CausewayError(
    ErrorCode.AdvertSignature,
    `link endpoints advertised for ${origin} refused: ${why}`,
  );
}

/**
 * Certificates already checked, by origin, CA and certificate: checking one takes ~3 ms (two
 * parses and a CA signature), against ~0.1 ms for the advert's own signature, and an origin keeps
 * its certificate for months while its adverts change often. An entry lasts until the
 * certificate's notAfter; the map is bounded so hostile input cannot grow it.
 */
const checkedCertificates = new Map<string, { publicKey: KeyObject; validTo: number }>();
const MAX_CHECKED = 4_096;

/** The origin's public key from a certificate issued by the CA that names the origin; throws otherwise. */
function originKey(
  origin: string,
  certificate: string,
  trust: { caPem: string; trustDomain: string },
  now: Date,
): KeyObject {
  const cacheKey = JSON.stringify([origin, trust.trustDomain, trust.caPem, certificate]);
  const cached = checkedCertificates.get(cacheKey);
  if (cached !== undefined && now.getTime() <= cached.validTo) return cached.publicKey;
  const cert = checkCertificate(origin, certificate, trust, now);
  if (checkedCertificates.size >= MAX_CHECKED) checkedCertificates.clear();
  checkedCertificates.set(cacheKey, {
    publicKey: cert.publicKey,
    validTo: Date.parse(cert.validTo),
  });
  return cert.publicKey;
}

function checkCertificate(
  origin: string,
  certificate: string,
  trust: { caPem: string; trustDomain: string },
  now: Date,
): X509Certificate {
  if (!verifyIssuedBy(certificate, trust.caPem, now))
    refuse(origin, 'the certificate is not issued by the clusterset CA (or is not current)');
  let cert: X509Certificate;
  let id: string;
  try {
    cert = new X509Certificate(certificate);
    id = siteIdentityOf(cert, trust.trustDomain);
  } catch (err) {
    return refuse(origin, (err as Error).message);
  }
  if (id !== origin) refuse(origin, `the certificate is site ${id}'s`);
  return cert;
}
