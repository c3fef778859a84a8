import { createHash } from 'node:crypto';

/** RFC 4648 §7 "base32hex": sorts like the input and uses only DNS-safe characters. */
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

function base32hex(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

function digest(text: string, length: number): string {
  return base32hex(createHash('sha256').update(text).digest()).slice(0, length);
}

/**
 * The Service that gives a ServiceImport its ClusterIP: `derived-` and ten characters of the
 * hash of `namespace/name` (the mcs-api reference controller's scheme, so tools that know it
 * find ours). Stable across restarts and clusters, always a valid DNS label.
 */
export function derivedServiceName(namespace: string, name: string): string {
  return `derived-${digest(`${namespace}/${name}`, 10)}`;
}

/**
 * The Service behind a site-targeted name (`name.namespace.svc.<site>.<zone>`): its ClusterIP
 * reaches the router's listener pinned to that site. Hash of `namespace/name@site`.
 */
export function derivedSiteServiceName(namespace: string, name: string, site: string): string {
  return `derived-${digest(`${namespace}/${name}@${site}`, 10)}`;
}

/** One EndpointSlice per source cluster of an import: `<derived>-<hash of the cluster id>`. */
export function importSliceName(derivedName: string, sourceCluster: string): string {
  return `${derivedName}-${digest(sourceCluster, 6)}`;
}

/** The slice that makes an ordinary Service global: named after it, so it sorts beside its own slices. */
export function globalSliceName(serviceName: string): string {
  return `${serviceName}-causeway-global`;
}
