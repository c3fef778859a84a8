import type { KubernetesObject } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { CAUSEWAY_LABELS, isManagedByCauseway } from './install-labels.js';
import type { KubeSession } from './kube-session.js';

/** KEP-2149: the well-known ClusterProperty whose value is this cluster's id in the clusterset. */
export const CLUSTER_ID_PROPERTY = 'cluster.clusterset.k8s.io';
/** KEP-2149: the clusterset's name; the controller sets it to the site's trust domain. */
export const CLUSTERSET_PROPERTY = 'clusterset.k8s.io';
export const CLUSTER_PROPERTY_API = 'about.k8s.io/v1alpha1';

interface ClusterProperty extends KubernetesObject {
  spec?: { value?: string };
}

/** The ClusterProperty that names this cluster's site. */
export function clusterIdProperty(siteId: string): ClusterProperty {
  return {
    apiVersion: CLUSTER_PROPERTY_API,
    kind: 'ClusterProperty',
    metadata: { name: CLUSTER_ID_PROPERTY, labels: { ...CAUSEWAY_LABELS } },
    spec: { value: siteId },
  };
}

/** The cluster's id, and whether Causeway set it (and so may remove it); undefined when unset. */
export async function readClusterId(
  session: KubeSession,
): Promise<{ value: string; ours: boolean } | undefined> {
  const property = await session.read<ClusterProperty>({
    apiVersion: CLUSTER_PROPERTY_API,
    kind: 'ClusterProperty',
    name: CLUSTER_ID_PROPERTY,
  });
  const value = property?.spec?.value;
  return value === undefined
    ? undefined
    : { value, ours: isManagedByCauseway(property?.metadata?.labels) };
}

/** The cluster's site id, or an error that says how to install Causeway there. */
export async function requireClusterSiteId(session: KubeSession): Promise<string> {
  const id = await readClusterId(session);
  if (id === undefined) {
    throw new CausewayError(
      ErrorCode.KubeNotInstalled,
      `context ${session.context}: the cluster has no ClusterProperty ${CLUSTER_ID_PROPERTY}, so it is not a Causeway site`,
      {
        hint: `install Causeway there first: causeway kube install --context ${session.context} --site <site-id> --zone <zone> --region <region>`,
      },
    );
  }
  return id.value;
}
