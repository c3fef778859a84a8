import { setTimeout as sleep } from 'node:timers/promises';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { Logger } from '../../observability/index.js';
import type { CustomResourceDefinition } from '../client/kube-objects.js';
import { isConflict, type KubeRest } from '../client/kube-rest.js';
import {
  CAUSEWAY_GROUP,
  MCS_GROUP,
  Resources,
  collectionPath,
  objectPath,
} from '../client/resources.js';
import { loadCrds } from './crd-manifests.js';

/** The MCS version the controller talks, newest first: v1beta1 where served, else v1alpha1. */
const MCS_VERSIONS = ['v1beta1', 'v1alpha1'] as const;

/** What of a CRD decides whether Causeway can use it. */
export interface CrdVersions {
  metadata: { name: string };
  spec: { group: string; versions: ReadonlyArray<{ name: string; served: boolean }> };
}

/** Which served version to use for a CRD installed by anyone, or why none fits (pure). */
export function pickServedVersion(
  crd: Pick<CrdVersions, 'spec'>,
  wanted: readonly string[],
): string | undefined {
  const served = new Set(crd.spec.versions.filter((v) => v.served).map((v) => v.name));
  return wanted.find((v) => served.has(v));
}

/** The versions Causeway can speak for a CRD of `group`, preferred first. */
export function wantedVersions(group: string): readonly string[] {
  if (group === 'about.k8s.io') return ['v1alpha1', 'v1beta1'];
  if (group === CAUSEWAY_GROUP) return ['v1alpha1'];
  return MCS_VERSIONS;
}

/** The refusal for a CRD someone else installed that serves no version Causeway speaks. */
export function incompatibleCrd(crd: CrdVersions, where: string): CausewayError {
  const name = crd.metadata.name;
  const served = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
  return new CausewayError(
    ErrorCode.KubeCrdIncompatible,
    `${where}CRD ${name} is installed (not by Causeway) but serves ${served.length === 0 ? 'no version' : served.join(', ')}, none of ${wantedVersions(crd.spec.group).join(', ')}`,
    {
      hint: `serve v1beta1 or v1alpha1 in it, or let Causeway install its own: kubectl delete crd ${name} (deletes the objects of that kind), then install again`,
    },
  );
}

/**
 * Installs the MCS and ClusterProperty CRDs that are absent, and coexists with ones someone else
 * installed (another MCS implementation, a Helm chart): those are never overwritten, only checked
 * to serve a version the controller speaks. Resolves with the MCS version to use, once every CRD
 * is Established.
 */
export async function ensureCrds(rest: KubeRest, logger: Logger): Promise<{ mcsVersion: string }> {
  let mcsVersion: string = MCS_VERSIONS[0];
  for (const crd of await loadCrds()) {
    const name = crd.metadata.name;
    const live =
      (await rest.get<CustomResourceDefinition>(objectPath(Resources.crds, name))) ??
      (await createCrd(rest, crd, logger));
    const version = pickServedVersion(live, wantedVersions(crd.spec.group));
    if (version === undefined) throw incompatibleCrd(live, '');
    if (crd.spec.group === MCS_GROUP) mcsVersion = version;
    await waitEstablished(rest, name);
  }
  return { mcsVersion };
}

async function createCrd(
  rest: KubeRest,
  crd: CustomResourceDefinition,
  logger: Logger,
): Promise<CustomResourceDefinition> {
  try {
    const created = await rest.create(collectionPath(Resources.crds), crd);
    logger.info({ crd: crd.metadata.name }, 'installed CRD');
    return created;
  } catch (err) {
    // Another replica (or installer) created it meanwhile: use theirs.
    if (!isConflict(err)) throw err;
    const live = await rest.get<CustomResourceDefinition>(
      objectPath(Resources.crds, crd.metadata.name),
    );
    if (live === undefined) throw err;
    return live;
  }
}

/** A new CRD's API appears a moment after creation; list and watch fail until it is Established. */
async function waitEstablished(rest: KubeRest, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await rest.get<CustomResourceDefinition>(objectPath(Resources.crds, name));
    if (
      crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true
    )
      return;
    if (Date.now() > deadline)
      throw new CausewayError(ErrorCode.Timeout, `CRD ${name} was not Established within 30 s`, {
        hint: 'check the API server log',
      });
    await sleep(100);
  }
}
