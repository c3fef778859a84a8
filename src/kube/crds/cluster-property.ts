import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { Logger } from '../../observability/index.js';
import type { ClusterProperty } from '../client/kube-objects.js';
import { isConflict, type KubeRest } from '../client/kube-rest.js';
import { Resources, apiVersionOf, collectionPath, objectPath } from '../client/resources.js';

/** KEP-2149 well-known ClusterProperty names. */
export const ClusterPropertyName = {
  clusterId: 'cluster.clusterset.k8s.io',
  clusterset: 'clusterset.k8s.io',
} as const;

/**
 * Records this cluster's id (the site id) and its clusterset (the trust domain). A cluster id that
 * already names another site means this cluster is someone else's member: refuse to start rather
 * than publish its services under two names. The clusterset property follows the site, which
 * changes clusterset only by joining one (a link).
 */
export async function ensureClusterProperties(
  rest: KubeRest,
  siteId: string,
  clusterset: string,
  logger: Logger,
): Promise<void> {
  const id = await readOrCreate(rest, ClusterPropertyName.clusterId, siteId, logger);
  if (id !== siteId) {
    throw new CausewayError(
      ErrorCode.KubeClusterIdMismatch,
      `ClusterProperty ${ClusterPropertyName.clusterId} is "${id}", but this site is "${siteId}"`,
      {
        hint: `run the controller with the site directory of "${id}", or delete the ClusterProperty if this cluster really left that clusterset`,
      },
    );
  }
  const current = await readOrCreate(rest, ClusterPropertyName.clusterset, clusterset, logger);
  if (current !== clusterset) {
    await rest.mergePatch(objectPath(Resources.clusterProperties, ClusterPropertyName.clusterset), {
      spec: { value: clusterset },
    });
    logger.info({ from: current, to: clusterset }, 'clusterset ClusterProperty updated');
  }
}

async function readOrCreate(
  rest: KubeRest,
  name: string,
  value: string,
  logger: Logger,
): Promise<string> {
  const path = objectPath(Resources.clusterProperties, name);
  const live = await rest.get<ClusterProperty>(path);
  if (live !== undefined) return live.spec.value;
  try {
    await rest.create<ClusterProperty>(collectionPath(Resources.clusterProperties), {
      apiVersion: apiVersionOf(Resources.clusterProperties),
      kind: 'ClusterProperty',
      metadata: { name },
      spec: { value },
    });
    logger.info({ property: name, value }, 'ClusterProperty created');
    return value;
  } catch (err) {
    if (!isConflict(err)) throw err;
    return (await rest.get<ClusterProperty>(path))?.spec.value ?? value;
  }
}
