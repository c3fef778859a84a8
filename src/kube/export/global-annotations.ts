/**
 * Annotations that make a Service global: its ordinary `cluster.local` name reaches the same
 * Service's endpoints in every cluster that has it. Causeway's own keys, then both generations of
 * Cilium's, so Cluster Mesh manifests work unchanged: `service.cilium.io/*` (Cilium 1.14+) and the
 * older `io.cilium/*`. The first key present decides.
 */
export const GlobalAnnotation = {
  global: 'causeway.io/global',
  affinity: 'causeway.io/affinity',
  shared: 'causeway.io/shared',
  ciliumGlobal: 'service.cilium.io/global',
  ciliumAffinity: 'service.cilium.io/affinity',
  ciliumShared: 'service.cilium.io/shared',
  legacyCiliumGlobal: 'io.cilium/global-service',
  legacyCiliumAffinity: 'io.cilium/service-affinity',
  legacyCiliumShared: 'io.cilium/shared-service',
} as const;

const GLOBAL_KEYS = [
  GlobalAnnotation.global,
  GlobalAnnotation.ciliumGlobal,
  GlobalAnnotation.legacyCiliumGlobal,
] as const;
const AFFINITY_KEYS = [
  GlobalAnnotation.affinity,
  GlobalAnnotation.ciliumAffinity,
  GlobalAnnotation.legacyCiliumAffinity,
] as const;
const SHARED_KEYS = [
  GlobalAnnotation.shared,
  GlobalAnnotation.ciliumShared,
  GlobalAnnotation.legacyCiliumShared,
] as const;

export type Affinity = 'local' | 'remote' | 'none';

export interface GlobalSettings {
  /** The ordinary name also reaches other clusters' endpoints of this Service. */
  global: boolean;
  /** Where the ordinary name prefers its endpoints: this cluster's, other clusters', or neither. */
  affinity: Affinity;
  /**
   * This cluster's endpoints are offered to the others (Cilium's default). `shared: "false"`
   * keeps them here: the Service still reaches remote endpoints, but is not exported.
   */
  shared: boolean;
}

/** Reads Causeway's annotations, else Cilium's (new, then legacy); unknown values mean the default. */
export function globalSettingsOf(
  annotations: Readonly<Record<string, string>> | undefined,
): GlobalSettings {
  const a = annotations ?? {};
  const first = (keys: readonly string[]): string | undefined =>
    keys
      .map((k) => a[k])
      .find((v) => v !== undefined)
      ?.trim()
      .toLowerCase();
  const global = first(GLOBAL_KEYS) === 'true';
  const raw = first(AFFINITY_KEYS) ?? 'none';
  const affinity: Affinity = raw === 'local' || raw === 'remote' ? raw : 'none';
  const shared = first(SHARED_KEYS) !== 'false';
  return { global, affinity, shared };
}

/**
 * Whether a Service is exported by its annotations alone, with no ServiceExport: Cilium's contract
 * (a global, shared Service is global in every cluster that has it).
 */
export function exportedByAnnotation(
  annotations: Readonly<Record<string, string>> | undefined,
): boolean {
  const settings = globalSettingsOf(annotations);
  return settings.global && settings.shared;
}

/**
 * The settings in Causeway's own keys, as exported annotations: the clusterset learns them from the
 * exporting site (so other clusters act on them), and sites that disagree raise AnnotationsConflict.
 */
export function globalAnnotations(settings: GlobalSettings): Record<string, string> {
  if (!settings.global) return {};
  return {
    [GlobalAnnotation.global]: 'true',
    ...(settings.affinity === 'none' ? {} : { [GlobalAnnotation.affinity]: settings.affinity }),
  };
}
