import { DEFAULT_READ_METHODS, HTTP_PROTOCOL, type ExportConfig } from '../config/index.js';
import type { ClustersetService } from '../mcs/index.js';

/** Annotation keys a single-writer export carries in its advert (they land on the ServiceImport too). */
export const WritesAnnotation = {
  mode: 'causeway.io/writes',
  lease: 'causeway.io/lease',
  readMethods: 'causeway.io/read-methods',
} as const;

/** `appProtocol` of an HTTP/1.1 port, as Kubernetes spells it (KEP-3726 standard application protocols). */
export const HTTP_APP_PROTOCOL = HTTP_PROTOCOL;

/** How an importing site routes a service's requests: all alike, or writes to one lease holder. */
export type WritePolicy =
  { type: 'any' } | { type: 'single-writer'; lease: string; readMethods: ReadonlySet<string> };

const ANY: WritePolicy = { type: 'any' };
/** Merged services are replaced, never changed, when adverts change: a policy per object is enough. */
const parsed = new WeakMap<ClustersetService, WritePolicy>();

/** The advert annotations of an export; empty unless it is single-writer. */
export function writePolicyAnnotations(e: ExportConfig): Record<string, string> {
  if (e.writes !== 'single-writer' || e.lease === undefined) return {};
  return {
    [WritesAnnotation.mode]: 'single-writer',
    [WritesAnnotation.lease]: e.lease,
    [WritesAnnotation.readMethods]: (e.readMethods ?? DEFAULT_READ_METHODS).join(','),
  };
}

/**
 * The clusterset's write policy of a service. Annotations come from the winning (oldest) export
 * only, so every importing site reads the same policy even if exporters disagree.
 */
export function writePolicyOf(service: ClustersetService | undefined): WritePolicy {
  if (service === undefined) return ANY;
  let policy = parsed.get(service);
  if (policy === undefined) {
    policy = parseWritePolicy(service.annotations);
    parsed.set(service, policy);
  }
  return policy;
}

function parseWritePolicy(annotations: Readonly<Record<string, string>>): WritePolicy {
  const lease = annotations[WritesAnnotation.lease];
  if (annotations[WritesAnnotation.mode] !== 'single-writer' || lease === undefined || lease === '')
    return ANY;
  const listed = (annotations[WritesAnnotation.readMethods] ?? '')
    .split(',')
    .filter((m) => m !== '');
  return {
    type: 'single-writer',
    lease,
    readMethods: new Set(listed.length === 0 ? DEFAULT_READ_METHODS : listed),
  };
}

/** True when the service's port speaks HTTP/1.1 (an export with `protocol: http`). */
export function isHttpPort(service: ClustersetService | undefined, port: number): boolean {
  return (
    service?.ports.some(
      (p) => p.port === port && p.protocol === 'TCP' && p.appProtocol === HTTP_APP_PROTOCOL,
    ) ?? false
  );
}
