/** `name.namespace`: the identity of a clusterset service (MCS: same name + namespace = same service). */
export function serviceKey(name: string, namespace: string): string {
  return `${name}.${namespace}`;
}
