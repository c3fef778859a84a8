/** Annotations that make a Service global: its ordinary name in other clusters reaches remote endpoints too. */
export const GlobalAnnotation = {
  global: 'causeway.io/global',
  affinity: 'causeway.io/affinity',
  /** Cilium's names for the same thing, read so manifests migrate unchanged. */
  ciliumGlobal: 'service.cilium.io/global',
  ciliumAffinity: 'service.cilium.io/affinity',
} as const;

export type Affinity = 'local' | 'remote' | 'none';

export interface GlobalSettings {
  global: boolean;
  affinity: Affinity;
}

/** Reads the Causeway annotations, else Cilium's; an unknown affinity value means none. */
export function globalSettingsOf(annotations: Readonly<Record<string, string>> | undefined): GlobalSettings {
  const a = annotations ?? {};
  const global = (a[GlobalAnnotation.global] ?? a[GlobalAnnotation.ciliumGlobal] ?? '').toLowerCase() === 'true';
  const raw = (a[GlobalAnnotation.affinity] ?? a[GlobalAnnotation.ciliumAffinity] ?? 'none').toLowerCase();
  const affinity: Affinity = raw === 'local' || raw === 'remote' ? raw : 'none';
  return { global, affinity };
}

/**
 * The settings in Causeway's own keys, as exported annotations: the clusterset learns them from the
 * exporting site (so other clusters act on them), and sites that disagree raise AnnotationsConflict.
 */
export function globalAnnotations(settings: GlobalSettings): Record<string, string> {
  if (!settings.global) return {};
  return { [GlobalAnnotation.global]: 'true', ...(settings.affinity === 'none' ? {} : { [GlobalAnnotation.affinity]: settings.affinity }) };
}
