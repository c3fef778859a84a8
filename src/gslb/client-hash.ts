/**
 * FNV-1a (32 bit) of a client key: cheap, and the same on every server, so each answering site
 * gives one client the same weighted choice without talking to the others.
 */
export function clientHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3 fmix32): FNV alone leaves nearby keys (10.0.0.1, 10.0.0.2) correlated.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
