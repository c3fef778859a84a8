import type { KubeObject } from '../client/kube-objects.js';
import { isNotFound, KubeApiError, type KubeRest } from '../client/kube-rest.js';

/** A cluster's address space as its API server tells it. */
export interface ClusterNetworks {
  pods: string[];
  services: string[];
  nodes: string[];
  /** How the Service CIDRs were learned: ServiceCIDR objects, the dry-run probe, or not at all. */
  servicesFrom: 'ServiceCIDR' | 'probe' | 'unknown';
}

interface NodeObject extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { addresses?: Array<{ type: string; address: string }> };
}

interface ServiceCidrObject extends KubeObject {
  spec?: { cidrs?: string[] };
}

/** Reads pod CIDRs from the nodes, node addresses, and the Service CIDRs. */
export async function readClusterNetworks(rest: KubeRest): Promise<ClusterNetworks> {
  const nodes = (await rest.list<NodeObject>('/api/v1/nodes')).items;
  const pods = unique(
    nodes.flatMap(
      (n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR === undefined ? [] : [n.spec.podCIDR]),
    ),
  );
  const nodeBlocks = unique(
    nodes.flatMap((n) =>
      (n.status?.addresses ?? [])
        .filter((a) => a.type === 'InternalIP')
        .map((a) => `${a.address}/${a.address.includes(':') ? 128 : 32}`),
    ),
  );
  const fromObjects = await serviceCidrObjects(rest);
  if (fromObjects !== undefined)
    return { pods, nodes: nodeBlocks, services: fromObjects, servicesFrom: 'ServiceCIDR' };
  const probed = await probeServiceCidr(rest);
  return {
    pods,
    nodes: nodeBlocks,
    services: probed,
    servicesFrom: probed.length > 0 ? 'probe' : 'unknown',
  };
}

/** ServiceCIDR objects (networking.k8s.io, GA in 1.33, beta before); undefined where the API has none. */
async function serviceCidrObjects(rest: KubeRest): Promise<string[] | undefined> {
  for (const version of ['v1', 'v1beta1']) {
    try {
      const list = await rest.list<ServiceCidrObject>(
        `/apis/networking.k8s.io/${version}/servicecidrs`,
      );
      return unique(list.items.flatMap((o) => o.spec?.cidrs ?? []));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return undefined;
}

/**
 * Older API servers keep the Service range in a flag only. A dry-run create of a Service with a
 * ClusterIP outside any range is refused with "The range of valid IPs is <cidr>": the server tells
 * its range without storing anything.
 */
async function probeServiceCidr(rest: KubeRest): Promise<string[]> {
  const probe = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'causeway-cidr-probe' },
    spec: { clusterIP: '0.0.0.1', ports: [{ port: 1 }] },
  };
  try {
    await rest.create('/api/v1/namespaces/default/services?dryRun=All', probe);
  } catch (err) {
    if (err instanceof KubeApiError)
      return [...err.message.matchAll(/valid IPs is ([0-9a-fA-F:./]+)/g)].map((m) => m[1] ?? '');
    throw err;
  }
  return [];
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)].sort();
}
