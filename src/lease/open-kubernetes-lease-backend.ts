import type { LeaseBackend } from './lease-backend.js';
import type { KubernetesLeaseBackendOptions } from './kubernetes-lease-backend.js';

/**
 * Opens the Kubernetes Lease backend, loading the Kubernetes client only now: every command and
 * router that imports the lease area would otherwise pay its ~0.8 s of start-up.
 */
export async function openKubernetesLeaseBackend(options: KubernetesLeaseBackendOptions = {}): Promise<LeaseBackend> {
  const { KubernetesLeaseBackend } = await import('./kubernetes-lease-backend.js');
  return KubernetesLeaseBackend.open(options);
}
