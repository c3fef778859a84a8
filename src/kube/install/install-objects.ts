import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { CAUSEWAY_LABELS } from './install-labels.js';

/** How the link port is offered outside the cluster. */
export type LinkServiceType = 'LoadBalancer' | 'NodePort';

export interface ManifestSettings {
  namespace: string;
  image: string;
  linkService: LinkServiceType;
  /** A fixed node port for the link Service (NodePort only); otherwise the cluster picks one. */
  linkNodePort?: number;
  /** Digest of the site files: a change rolls the pod so it restores the new files. */
  siteChecksum?: string;
}

/** Kinds that live outside namespaces; everything else is put in the install namespace. */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterProperty',
]);

/** Apply order: a kind only after what it refers to (namespace before its objects, RBAC before pods). */
const KIND_ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Secret',
  'ClusterProperty',
  'Service',
  'Deployment',
];

export function isClusterScoped(object: KubernetesObject): boolean {
  return CLUSTER_SCOPED.has(object.kind ?? '');
}

/** Sorts objects into apply order; kinds not listed go last, in their original order. */
export function inApplyOrder<T extends KubernetesObject>(objects: readonly T[]): T[] {
  const rank = (o: T): number => {
    const i = KIND_ORDER.indexOf(o.kind ?? '');
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...objects].sort((a, b) => rank(a) - rank(b));
}

/**
 * Fits the shipped manifests to one install: the namespace (and every reference to it), the
 * image, the link Service type and the managed-by labels. Pure, so dry-run and install agree.
 */
export function customiseManifests(
  objects: readonly KubernetesObject[],
  settings: ManifestSettings,
): KubernetesObject[] {
  return objects.map((original) => {
    const object = structuredClone(original) as KubernetesObject & {
      metadata: NonNullable<KubernetesObject['metadata']>;
    };
    object.metadata ??= {};
    object.metadata.labels = { ...object.metadata.labels, ...CAUSEWAY_LABELS };
    if (object.kind === 'Namespace') object.metadata.name = settings.namespace;
    else if (!isClusterScoped(object)) object.metadata.namespace = settings.namespace;
    retargetSubjects(object, settings.namespace);
    if (object.kind === 'Deployment') fitDeployment(object, settings);
    if (object.kind === 'Service' && object.metadata.name === 'causeway-link')
      fitLinkService(object, settings);
    return object;
  });
}

/** Role bindings name the service account's namespace; it moves with the install. */
function retargetSubjects(object: KubernetesObject, namespace: string): void {
  const subjects = (object as { subjects?: Array<{ kind?: string; namespace?: string }> }).subjects;
  for (const subject of subjects ?? [])
    if (subject.kind === 'ServiceAccount') subject.namespace = namespace;
}

function fitDeployment(deployment: V1Deployment, settings: ManifestSettings): void {
  const pod = deployment.spec?.template;
  if (pod === undefined) return;
  if (settings.siteChecksum !== undefined) {
    pod.metadata ??= {};
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      'causeway.io/site-checksum': settings.siteChecksum,
    };
  }
  for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    container.image = settings.image;
    const args = container.args ?? [];
    const at = args.indexOf('--namespace');
    if (at !== -1 && at + 1 < args.length) args[at + 1] = settings.namespace;
  }
}

function fitLinkService(service: V1Service, settings: ManifestSettings): void {
  service.spec ??= {};
  service.spec.type = settings.linkService;
  if (settings.linkService === 'NodePort' && settings.linkNodePort !== undefined) {
    for (const port of service.spec.ports ?? [])
      if (port.name === 'link') port.nodePort = settings.linkNodePort;
  }
}
