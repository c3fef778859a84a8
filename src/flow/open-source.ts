import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { OpenRequest } from '../services/index.js';

type Source = NonNullable<OpenRequest['source']>;

/**
 * What the importing site signs: the source bound to the destination, service and port, so a
 * transit site can neither invent a source nor move one to another service. A copy replayed by
 * a transit site reaches only what the original flow could reach.
 */
export function openSourceSigningInput(
  open: Pick<OpenRequest, 'service' | 'namespace' | 'port' | 'site'>,
  source: Pick<Source, 'site' | 'address'>,
): Buffer {
  return Buffer.from(
    JSON.stringify([
      'causeway-open-source/1',
      source.site,
      source.address ?? null,
      open.site ?? null,
      open.service,
      open.namespace,
      open.port,
    ]),
  );
}

let signingKey: { pem: string; key: KeyObject } | undefined;

/** Signs a flow's source with this site's key (ECDSA/SHA-256, DER, base64). */
export function signOpenSource(
  open: Pick<OpenRequest, 'service' | 'namespace' | 'port' | 'site'>,
  source: Pick<Source, 'site' | 'address'>,
  keyPem: string,
): string {
  if (signingKey?.pem !== keyPem) signingKey = { pem: keyPem, key: createPrivateKey(keyPem) };
  return sign('sha256', openSourceSigningInput(open, source), signingKey.key).toString('base64');
}

const publicKeys = new Map<string, KeyObject>();

/** True when `source.signature` is the source site's over this OPEN; `certificate` is that site's (from its verified advert). */
export function verifyOpenSource(
  open: Pick<OpenRequest, 'service' | 'namespace' | 'port' | 'site'>,
  source: Source,
  certificate: string | undefined,
): boolean {
  if (source.signature === undefined || certificate === undefined) return false;
  try {
    let key = publicKeys.get(certificate);
    if (key === undefined) {
      key = new X509Certificate(certificate).publicKey;
      // Bounded: one entry per site certificate seen in verified adverts.
      if (publicKeys.size >= 4_096) publicKeys.clear();
      publicKeys.set(certificate, key);
    }
    return verify(
      'sha256',
      openSourceSigningInput(open, source),
      key,
      Buffer.from(source.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
