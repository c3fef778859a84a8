import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
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

/** Signs a drill message with the clusterset CA's key (PEM): only its holder may stage failures. */
export function signDrill<M extends UnsignedDrillMessage>(
  message: M,
  caKeyPem: string,
): M & { signature: string } {
  const key = createPrivateKey(caKeyPem);
  const signature = sign('sha256', drillSigningInput(message), key).toString('base64');
  return { ...message, signature };
}

/** The CA's public key, parsed once per CA. */
let caKey: { pem: string; key: KeyObject } | undefined;

/** Throws CW_DRILL_REFUSED unless `message` is signed by the clusterset CA whose certificate is `caPem`. */
export function verifyDrill(message: DrillMessage, caPem: string): void {
  if (caKey?.pem !== caPem) caKey = { pem: caPem, key: new X509Certificate(caPem).publicKey };
  const { signature, ...unsigned } = message;
  let ok = false;
  try {
    ok = verify('sha256', drillSigningInput(unsigned), caKey.key, Buffer.from(signature, 'base64'));
  } catch {
    // A signature that is not even DER is one that does not match.
  }
  if (!ok)
    throw new CausewayError(
      ErrorCode.DrillRefused,
      `drill ${message.id} from ${message.issuer} refused: not signed by the clusterset CA`,
      { hint: 'drills are started with `causeway drill` on the site holding the CA key (ca.key)' },
    );
}
