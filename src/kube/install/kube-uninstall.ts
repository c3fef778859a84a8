import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { CLUSTER_ID_PROPERTY, CLUSTER_PROPERTY_API, readClusterId } from './cluster-site-id.js';
import { unwireCoredns } from './coredns-wiring.js';
import { loadDeployFolder } from './deploy-files.js';
import { MANAGED_BY_SELECTOR, isManagedByCauseway } from './install-labels.js';
import { customiseManifests, inApplyOrder } from './install-objects.js';
import { KubeSession, describeObject, describeRef, refOf, type KubeTarget } from './kube-session.js';
import { SITE_SECRET } from './site-secret.js';

export interface UninstallOptions {
  target: KubeTarget;
  namespace: string;
  /** Also delete every ServiceExport and the CRDs Causeway installed (which deletes their objects). */
  purge: boolean;
}

export interface UninstallReport {
  context: string;
  namespace: string;
  removed: string[];
  /** The namespace may stay Terminating until the cluster's namespace controller empties it. */
  namespaceDeleted: boolean;
}

/** What the controller makes outside the Causeway namespace, all labelled managed-by causeway. */
const CONTROLLER_MADE = [
  { apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceImport' },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { apiVersion: 'v1', kind: 'Service' },
] as const;

/**
 * Removes what Causeway created, newest first: the pod and Services, the site Secret, link
 * Secrets, RBAC, the controller's imports, the CoreDNS block, the ClusterProperty (if Causeway set
 * it) and the namespace. User ServiceExports and the CRDs stay unless `purge`.
 */
export async function uninstallSite(options: UninstallOptions): Promise<UninstallReport> {
  const session = KubeSession.open(options.target);
  const removed: string[] = [];
  const remove = async (object: KubernetesObject): Promise<void> => {
    if (await session.remove(refOf(object))) removed.push(describeObject(object));
  };
  const shipped = customiseManifests([...(await loadDeployFolder('manifests')), ...(await loadDeployFolder('rbac'))], { namespace: options.namespace, image: '', linkService: 'LoadBalancer' });
  const namespaced = inApplyOrder(shipped.filter((o) => o.kind !== 'Namespace')).reverse();
  for (const object of namespaced) await remove(object);
  await remove({ apiVersion: 'v1', kind: 'Secret', metadata: { name: SITE_SECRET, namespace: options.namespace } });
  for (const label of ['causeway.io/token-request=true', 'causeway.io/link-token=true']) {
    for (const secret of await session.list('v1', 'Secret', { namespace: options.namespace, labelSelector: label })) await remove({ ...secret, apiVersion: 'v1', kind: 'Secret' });
  }
  // Items of a list carry no apiVersion or kind of their own.
  for (const made of CONTROLLER_MADE) {
    for (const object of await session.list(made.apiVersion, made.kind, { labelSelector: MANAGED_BY_SELECTOR })) await remove({ ...object, ...made });
  }
  if (await unwireCoredns(session)) removed.push('ConfigMap kube-system/coredns (Causeway block)');
  const clusterId = await readClusterId(session);
  if (clusterId?.ours === true) await remove({ apiVersion: CLUSTER_PROPERTY_API, kind: 'ClusterProperty', metadata: { name: CLUSTER_ID_PROPERTY } });
  if (options.purge) await purge(session, remove);
  const namespaceDeleted = await removeNamespace(session, options.namespace);
  if (namespaceDeleted === 'now') removed.push(describeRef({ apiVersion: 'v1', kind: 'Namespace', name: options.namespace }));
  return { context: session.context, namespace: options.namespace, removed, namespaceDeleted: namespaceDeleted !== 'absent' };
}

/** A namespace already Terminating is on its way out: deleting it again would report it twice. */
async function removeNamespace(session: KubeSession, name: string): Promise<'now' | 'earlier' | 'absent'> {
  const namespace = await session.read<V1Namespace>({ apiVersion: 'v1', kind: 'Namespace', name });
  if (namespace === undefined) return 'absent';
  if (namespace.metadata?.deletionTimestamp !== undefined) return 'earlier';
  return (await session.remove({ apiVersion: 'v1', kind: 'Namespace', name })) ? 'now' : 'absent';
}

/** ServiceExports are the users' own objects; only --purge deletes them, then Causeway's CRDs. */
async function purge(session: KubeSession, remove: (o: KubernetesObject) => Promise<void>): Promise<void> {
  for (const version of ['v1alpha1', 'v1beta1']) {
    for (const e of await session.list(`multicluster.x-k8s.io/${version}`, 'ServiceExport')) await remove({ ...e, apiVersion: `multicluster.x-k8s.io/${version}`, kind: 'ServiceExport' });
  }
  for (const crd of await loadDeployFolder('crds')) {
    const current = await session.read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata?.name ?? '' });
    if (current !== undefined && isManagedByCauseway(current.metadata?.labels)) await remove(current);
  }
}
