import { X509Certificate } from 'node:crypto';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { isValidSiteId } from './site-id.js';
import { x509 } from './x509-runtime.js';

/**
 * The site id a certificate proves, read from its `spiffe://<trustDomain>/site/<id>` URI SAN.
 * Accepts PEM, DER bytes (as from `getPeerCertificate().raw`) or a node:crypto X509Certificate.
 * The CN is never trusted: only the SAN is bound to the trust domain.
 */
export function siteIdentityOf(
  cert: string | Uint8Array | X509Certificate,
  trustDomain: string,
): string {
  const prefix = `spiffe://${trustDomain}/site/`;
  const ids = new Set(
    uriSansOf(cert)
      .filter((uri) => uri.startsWith(prefix))
      .map((uri) => uri.slice(prefix.length)),
  );
  if (ids.size !== 1) {
    const why = ids.size === 0 ? 'has no' : 'has more than one';
    throw new CausewayError(
      ErrorCode.PeerIdentity,
      `peer certificate ${why} ${prefix}<id> URI SAN`,
    );
  }
  const [id] = ids;
  if (id === undefined || !isValidSiteId(id)) {
    throw new CausewayError(
      ErrorCode.PeerIdentity,
      `peer certificate names an invalid site id ${JSON.stringify(id)}`,
    );
  }
  return id;
}

function uriSansOf(cert: string | Uint8Array | X509Certificate): string[] {
  let parsed: x509.X509Certificate;
  try {
    parsed = new x509.X509Certificate(typeof cert === 'string' ? cert : derOf(cert));
  } catch (cause) {
    throw new CausewayError(ErrorCode.PeerIdentity, 'peer certificate is unreadable', { cause });
  }
  const san = parsed.getExtension(x509.SubjectAlternativeNameExtension);
  return san === null
    ? []
    : san.names.items.filter((name) => name.type === 'url').map((name) => name.value);
}

// A copy, so the parser gets a plain ArrayBuffer-backed view whatever the caller passed.
function derOf(cert: Uint8Array | X509Certificate): Uint8Array<ArrayBuffer> {
  return new Uint8Array(cert instanceof X509Certificate ? cert.raw : cert);
}
