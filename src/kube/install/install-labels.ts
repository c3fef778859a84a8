/** Labels on every object Causeway creates: uninstall deletes by them, and never what lacks them. */
export const CAUSEWAY_LABELS = {
  'app.kubernetes.io/part-of': 'causeway',
  'app.kubernetes.io/managed-by': 'causeway',
} as const;

export const MANAGED_BY_SELECTOR = 'app.kubernetes.io/managed-by=causeway';

/** True when the object carries Causeway's managed-by label (so Causeway may remove it). */
export function isManagedByCauseway(labels: Record<string, string> | undefined): boolean {
  return labels?.['app.kubernetes.io/managed-by'] === 'causeway';
}
