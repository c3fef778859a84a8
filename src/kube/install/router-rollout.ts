import type { KubernetesObject, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { KubeSession } from './kube-session.js';

/** Waiting reasons of a container that will not start however long one waits for it. */
const IMAGE_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);
const CRASH_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export type RouterRollout =
  { type: 'ready'; pods: string[]; ms: number } | { type: 'skipped'; reason: string };

/** What a Pod of the router says about why it is not running, when it is a fault and not a delay (pure). */
export function podFault(
  pod: V1Pod,
): { kind: 'image' | 'crash'; container: string; reason: string; message: string } | undefined {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const status of statuses) {
    const reason = status.state?.waiting?.reason ?? '';
    const message = status.state?.waiting?.message ?? '';
    if (IMAGE_REASONS.has(reason))
      return { kind: 'image', container: status.name, reason, message };
    if (CRASH_REASONS.has(reason))
      return { kind: 'crash', container: status.name, reason, message };
  }
  return undefined;
}

/** True once the Deployment's current generation has every replica updated and Ready (pure). */
export function deploymentReady(deployment: V1Deployment | undefined): boolean {
  const wanted = deployment?.spec?.replicas ?? 1;
  const status = deployment?.status;
  if (deployment === undefined || status === undefined) return false;
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 1)) return false;
  return (
    (status.updatedReplicas ?? 0) >= wanted &&
    (status.readyReplicas ?? 0) >= wanted &&
    (status.replicas ?? 0) === wanted
  );
}

/**
 * Waits until the router Deployment is Ready, and fails at once (not at the deadline) when a Pod
 * cannot pull its image or crash-loops: those do not heal by waiting. A cluster without nodes
 * (an API server alone) can run no Pod, so nothing is waited for there.
 */
export async function waitForRouter(
  session: KubeSession,
  namespace: string,
  image: string,
  timeoutMs: number,
): Promise<RouterRollout> {
  if ((await session.list<KubernetesObject>('v1', 'Node')).length === 0)
    return { type: 'skipped', reason: 'the cluster has no nodes' };
  const started = Date.now();
  let last = 'no Pod yet';
  while (Date.now() - started < timeoutMs) {
    const deployment = await session.read<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'causeway',
      namespace,
    });
    const pods = (
      await session.list<V1Pod>('v1', 'Pod', {
        namespace,
        labelSelector: 'app.kubernetes.io/name=causeway',
      })
    ).filter((p) => p.metadata?.deletionTimestamp === undefined);
    if (deploymentReady(deployment))
      return {
        type: 'ready',
        pods: pods.map((p) => p.metadata?.name ?? ''),
        ms: Date.now() - started,
      };
    // Pods of an earlier install (another image) are on their way out: their faults are not this install's.
    for (const pod of pods.filter(
      (p) => p.spec?.containers.some((c) => c.image === image) === true,
    )) {
      const fault = podFault(pod);
      const name = pod.metadata?.name ?? '';
      if (fault?.kind === 'image') {
        throw new CausewayError(
          ErrorCode.KubeImageUnavailable,
          `--image: Pod ${namespace}/${name} cannot pull image ${image} (${fault.reason}${fault.message === '' ? '' : `: ${fault.message}`})`,
          {
            hint: `push ${image} to a registry the nodes reach (or import it into their container runtime), or pass --image with one they have; then run install again`,
          },
        );
      }
      if (fault?.kind === 'crash') {
        throw new CausewayError(
          ErrorCode.KubeRouterNotReady,
          `Pod ${namespace}/${name}: container ${fault.container} ${fault.reason}${fault.message === '' ? '' : `: ${fault.message}`}`,
          {
            hint: `see why: kubectl -n ${namespace} logs ${name} -c ${fault.container} --previous`,
          },
        );
      }
      last = `Pod ${name} ${pod.status?.phase ?? 'Unknown'}${
        pod.status?.conditions
          ?.filter((c) => c.status !== 'True')
          .map((c) => `, ${c.type}: ${c.reason ?? c.status}`)
          .join('') ?? ''
      }`;
    }
    // Pod status changes land within about a second of the kubelet's sync: poll at that pace.
    await sleep(1_000);
  }
  throw new CausewayError(
    ErrorCode.KubeRouterNotReady,
    `Deployment ${namespace}/causeway not Ready within ${Math.round(timeoutMs / 1000)}s (${last})`,
    {
      hint: `see its events: kubectl -n ${namespace} describe pods -l app.kubernetes.io/name=causeway; pass --wait 0 not to wait`,
    },
  );
}
