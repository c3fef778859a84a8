import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import {
  CLUSTERSET_PROPERTY,
  CLUSTER_ID_PROPERTY,
  CLUSTER_PROPERTY_API,
  readClusterId,
} from './cluster-site-id.js';
import { unwireCoredns } from './coredns-wiring.js';
import { loadDeployFolder } from './deploy-files.js';
import {
  DERIVED_SERVICE_ANNOTATION,
  ImportLabel,
  LinkSecret,
  MANAGED_BY_CONTROLLER,
} from '../index.js';
import { isManagedByCauseway } from './install-labels.js';
import { customiseManifests, inApplyOrder } from './install-objects.js';
import {
  KubeSession,
  describeObject,
  describeRef,
  refOf,
  type KubeTarget,
} from './kube-session.js';
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
  /** Router Pods still terminating when uninstall gave up waiting for them (none on a healthy node). */
  podsStillTerminating: string[];
}

/** The router Pods' labels (deploy/manifests/deployment.yaml and the Helm chart select on them). */
const ROUTER_POD_SELECTOR = 'app.kubernetes.io/name=causeway,app.kubernetes.io/component=router';

/**
 * How long uninstall waits for the router Pods to end: the Pod's default grace period (30 s, in
 * which the router drains its flows) plus the kubelet's time to report the container gone.
 */
const POD_GONE_TIMEOUT_MS = 60_000;
const POD_POLL_MS = 500;

/**
 * The controller's derived Services and EndpointSlices (imports and global-service slices) carry
 * the managed-by label with the controller's value. Selected by the key and matched here, so the
 * value need not be one a label selector accepts.
 */
async function controllerMade(
  session: KubeSession,
  apiVersion: string,
  kind: string,
): Promise<KubernetesObject[]> {
  const all = await session.list(apiVersion, kind, { labelSelector: ImportLabel.managedBy });
  // Items of a list carry no apiVersion or kind of their own.
  return all
    .filter((o) => o.metadata?.labels?.[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER)
    .map((o) => ({ ...o, apiVersion, kind }));
}

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
  const shipped = customiseManifests(
    [...(await loadDeployFolder('manifests')), ...(await loadDeployFolder('rbac'))],
    { namespace: options.namespace, image: '', linkService: 'LoadBalancer' },
  );
  const namespaced = inApplyOrder(shipped.filter((o) => o.kind !== 'Namespace')).reverse();
  for (const object of namespaced) await remove(object);
  // A terminating controller still reconciles until its process ends, and it writes the
  // ClusterProperties back: they are removed only once no router Pod is left to do so.
  const podsStillTerminating = await routerPodsGone(session, options.namespace);
  await remove({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SITE_SECRET, namespace: options.namespace },
  });
  for (const label of [
    `${LinkSecret.tokenRequestLabel}=true`,
    `${LinkSecret.linkTokenLabel}=true`,
  ]) {
    for (const secret of await session.list('v1', 'Secret', {
      namespace: options.namespace,
      labelSelector: label,
    }))
      await remove({ ...secret, apiVersion: 'v1', kind: 'Secret' });
  }
  await removeImports(session, remove);
  await remove({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'causeway-controller', namespace: options.namespace },
  });
  if (await unwireCoredns(session)) removed.push('ConfigMap kube-system/coredns (Causeway block)');
  const clusterId = await readClusterId(session);
  if (clusterId?.ours === true) {
    // The controller keeps clusterset.k8s.io in step with the site; without the site it means nothing.
    for (const name of [CLUSTER_ID_PROPERTY, CLUSTERSET_PROPERTY])
      await remove({
        apiVersion: CLUSTER_PROPERTY_API,
        kind: 'ClusterProperty',
        metadata: { name },
      });
  }
  if (options.purge) await purge(session, remove);
  const namespaceDeleted = await removeNamespace(session, options.namespace);
  if (namespaceDeleted === 'now')
    removed.push(describeRef({ apiVersion: 'v1', kind: 'Namespace', name: options.namespace }));
  return {
    context: session.context,
    namespace: options.namespace,
    removed,
    namespaceDeleted: namespaceDeleted !== 'absent',
    podsStillTerminating,
  };
}

/**
 * Waits (bounded) until the namespace has no router Pod; returns the names of those still there at
 * the deadline. A cluster without nodes never had any; one whose kubelet is gone keeps them
 * Terminating, and uninstall goes on after the deadline rather than hang.
 */
async function routerPodsGone(session: KubeSession, namespace: string): Promise<string[]> {
  const deadline = Date.now() + POD_GONE_TIMEOUT_MS;
  for (;;) {
    const pods = await session.list('v1', 'Pod', { namespace, labelSelector: ROUTER_POD_SELECTOR });
    const names = pods.map((p) => p.metadata?.name ?? '');
    if (names.length === 0 || Date.now() >= deadline) return names;
    await new Promise((resolve) => setTimeout(resolve, POD_POLL_MS));
  }
}

/**
 * What the controller made for imports, in every namespace: ServiceImports whose derived Service
 * is the controller's, those Services, and the EndpointSlices it wrote (import and global-service
 * slices). Deleted one by one: a cluster's garbage collector would follow owner references, but
 * uninstall must not depend on one running.
 */
async function removeImports(
  session: KubeSession,
  remove: (o: KubernetesObject) => Promise<void>,
): Promise<void> {
  const derived = await controllerMade(session, 'v1', 'Service');
  const derivedNames = new Set(
    derived.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`),
  );
  for (const version of ['v1beta1', 'v1alpha1']) {
    for (const imported of await session.list(
      `multicluster.x-k8s.io/${version}`,
      'ServiceImport',
    )) {
      const derivedName = imported.metadata?.annotations?.[DERIVED_SERVICE_ANNOTATION];
      const ours =
        derivedNames.has(`${imported.metadata?.namespace ?? ''}/${derivedName ?? ''}`) ||
        writtenByController(imported);
      if (derivedName !== undefined && ours)
        await remove({
          ...imported,
          apiVersion: `multicluster.x-k8s.io/${version}`,
          kind: 'ServiceImport',
        });
    }
  }
  for (const service of derived) await remove(service);
  for (const slice of await controllerMade(session, 'discovery.k8s.io/v1', 'EndpointSlice'))
    await remove(slice);
}

/** The controller's field manager (its REST client's); the API server records it on every object it writes. */
const CONTROLLER_FIELD_MANAGER = 'causeway-controller';

/** True when the controller wrote the object: another MCS implementation's imports are left alone. */
function writtenByController(object: KubernetesObject): boolean {
  return (object.metadata?.managedFields ?? []).some((f) => f.manager === CONTROLLER_FIELD_MANAGER);
}

/** A namespace already Terminating is on its way out: deleting it again would report it twice. */
async function removeNamespace(
  session: KubeSession,
  name: string,
): Promise<'now' | 'earlier' | 'absent'> {
  const namespace = await session.read<V1Namespace>({ apiVersion: 'v1', kind: 'Namespace', name });
  if (namespace === undefined) return 'absent';
  if (namespace.metadata?.deletionTimestamp !== undefined) return 'earlier';
  return (await session.remove({ apiVersion: 'v1', kind: 'Namespace', name })) ? 'now' : 'absent';
}

/** ServiceExports are the users' own objects; only --purge deletes them, then Causeway's CRDs. */
async function purge(
  session: KubeSession,
  remove: (o: KubernetesObject) => Promise<void>,
): Promise<void> {
  for (const version of ['v1alpha1', 'v1beta1']) {
    for (const e of await session.list(`multicluster.x-k8s.io/${version}`, 'ServiceExport'))
      await remove({ ...e, apiVersion: `multicluster.x-k8s.io/${version}`, kind: 'ServiceExport' });
  }
  for (const crd of await loadDeployFolder('crds')) {
    const current = await session.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: crd.metadata?.name ?? '',
    });
    if (current !== undefined && isManagedByCauseway(current.metadata?.labels))
      await remove(current);
  }
}
