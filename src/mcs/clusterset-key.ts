/**
 * `namespace/name`: the identity of a clusterset service (same name + namespace = same service, KEP §Proposal).
 * Unambiguous because neither part may contain `/` (both are RFC 1123 labels).
 */
export function clustersetKey(name: string, namespace: string): string {
  return `${namespace}/${name}`;
}
