import type { KubernetesObject, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { incompatibleCrd, pickServedVersion, wantedVersions } from '../crds/crd-installer.js';
import { clusterIdProperty, readClusterId } from './cluster-site-id.js';
import { loadDeployFolder } from './deploy-files.js';
import { isManagedByCauseway } from './install-labels.js';
import { customiseManifests, inApplyOrder, type LinkServiceType } from './install-objects.js';
import { KubeSession, describeObject, type KubeTarget } from './kube-session.js';
import { waitForRouter, type RouterRollout } from './router-rollout.js';
import {
  clusterSiteFiles,
  localSiteDir,
  refuseOtherSite,
  type SiteIdentity,
} from './site-material.js';
import { SITE_SECRET, siteFilesChecksum, siteSecret } from './site-secret.js';

export interface InstallOptions extends SiteIdentity {
  target: KubeTarget;
  namespace: string;
  image: string;
  linkService: LinkServiceType;
  linkNodePort?: number;
  /** Out-of-cluster router: keep the site here and create no Deployment, Services or Secret. */
  siteDir?: string;
  /** Link listen address of an out-of-cluster site created by install. */
  listen?: string;
  /** Only the namespace and the site Secret: the Helm chart installs the rest. */
  secretOnly?: boolean;
  /** How long to wait for the router Pod to be Ready (in-cluster only); 0 or absent: do not wait. */
  waitMs?: number;
}

export interface InstallReport {
  context: string;
  site: string;
  namespace: string;
  mode: 'in-cluster' | 'site-dir' | 'secret-only';
  /** True when this run created the site (keys and certificate); false when it kept an existing one. */
  siteCreated: boolean;
  siteDir?: string;
  /** Objects applied, as "Kind namespace/name". */
  applied: string[];
  /** CRDs found in the cluster and left as they were (another MCS implementation may own them). */
  keptCrds: string[];
  /** Whether the router became Ready (in-cluster installs that waited). */
  rollout?: RouterRollout;
}

/** What an out-of-cluster site does not need: its router and controller run on a host. */
const IN_CLUSTER_ONLY: ReadonlySet<string> = new Set(['Deployment', 'Service']);

/** The shipped manifests fitted to this install, without the CRDs, site Secret and ClusterProperty. */
async function workloadObjects(
  options: InstallOptions,
  siteChecksum?: string,
): Promise<KubernetesObject[]> {
  const shipped = [...(await loadDeployFolder('manifests')), ...(await loadDeployFolder('rbac'))];
  const wanted =
    options.siteDir === undefined
      ? shipped
      : shipped.filter((o) => !IN_CLUSTER_ONLY.has(o.kind ?? ''));
  return customiseManifests(wanted, {
    namespace: options.namespace,
    image: options.image,
    linkService: options.linkService,
    ...(options.linkNodePort === undefined ? {} : { linkNodePort: options.linkNodePort }),
    ...(siteChecksum === undefined ? {} : { siteChecksum }),
  });
}

async function crdObjects(): Promise<KubernetesObject[]> {
  return customiseManifests(await loadDeployFolder('crds'), {
    namespace: '',
    image: '',
    linkService: 'LoadBalancer',
  });
}

/**
 * The YAML `install` would apply to a cluster without Causeway, for review or GitOps. The site
 * Secret is named but not printed: its keys are made at install time and never shown.
 */
export async function renderInstall(options: InstallOptions): Promise<string> {
  const objects = inApplyOrder([
    ...(await crdObjects()),
    ...(await workloadObjects(options)),
    clusterIdProperty(options.siteId),
  ]);
  const secretNote =
    options.siteDir === undefined
      ? `# Secret ${options.namespace}/${SITE_SECRET} (the site's key, certificate and config) is created at install time and not printed.\n`
      : '';
  return secretNote + objects.map((o) => `---\n${stringify(o)}`).join('');
}

/**
 * Installs (or updates) Causeway in one cluster. Idempotent: a second run applies the same objects
 * and keeps the site's keys. Refuses when the cluster already belongs to another site id.
 */
export async function installSite(options: InstallOptions): Promise<InstallReport> {
  const session = KubeSession.open(options.target);
  const existing = await readClusterId(session);
  if (existing !== undefined)
    refuseOtherSite(existing.value, options.siteId, `context ${session.context}`, session.context);

  if (options.secretOnly === true) return installSecretOnly(session, options);
  const crds = await applyCrds(session, await crdObjects());
  let siteCreated: boolean;
  let workload: KubernetesObject[];
  if (options.siteDir === undefined) {
    const material = await clusterSiteFiles(session, options.namespace, options);
    siteCreated = material.created;
    workload = [
      ...(await workloadObjects(options, siteFilesChecksum(material.files))),
      siteSecret(options.namespace, material.files),
    ];
  } else {
    siteCreated = (await localSiteDir(options.siteDir, options, options.listen ?? '127.0.0.1:0'))
      .created;
    workload = await workloadObjects(options);
  }
  // A ClusterProperty someone else set to this very id stays theirs (uninstall will leave it).
  if (existing === undefined || existing.ours) workload.push(clusterIdProperty(options.siteId));

  const applied = [...crds.applied];
  for (const object of inApplyOrder(workload)) {
    await session.apply(object);
    applied.push(describeObject(object));
  }
  const wait = options.siteDir === undefined && (options.waitMs ?? 0) > 0;
  const rollout = wait
    ? await waitForRouter(session, options.namespace, options.image, options.waitMs ?? 0)
    : undefined;
  return {
    context: session.context,
    site: options.siteId,
    namespace: options.namespace,
    mode: options.siteDir === undefined ? 'in-cluster' : 'site-dir',
    siteCreated,
    ...(options.siteDir === undefined ? {} : { siteDir: options.siteDir }),
    applied,
    keptCrds: crds.kept,
    ...(rollout === undefined ? {} : { rollout }),
  };
}

/** The site Secret (and its namespace) alone, for clusters where Helm installs everything else. */
async function installSecretOnly(
  session: KubeSession,
  options: InstallOptions,
): Promise<InstallReport> {
  const material = await clusterSiteFiles(session, options.namespace, options);
  const namespace = (await workloadObjects(options)).filter((o) => o.kind === 'Namespace');
  const applied: string[] = [];
  for (const object of [...namespace, siteSecret(options.namespace, material.files)]) {
    await session.apply(object);
    applied.push(describeObject(object));
  }
  return {
    context: session.context,
    site: options.siteId,
    namespace: options.namespace,
    mode: 'secret-only',
    siteCreated: material.created,
    applied,
    keptCrds: [],
  };
}

/**
 * Applies Causeway's CRDs where absent (or already Causeway's), leaves others' in place, and waits
 * until each is Established: the ClusterProperty applied next needs its API to be served.
 */
async function applyCrds(
  session: KubeSession,
  crds: KubernetesObject[],
): Promise<{ applied: string[]; kept: string[] }> {
  const applied: string[] = [];
  const kept: string[] = [];
  // Every CRD is checked before any is applied: a refusal leaves the cluster as it was.
  const ours: KubernetesObject[] = [];
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    const current = await session.read<V1CustomResourceDefinition>({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name,
    });
    if (current === undefined || isManagedByCauseway(current.metadata?.labels)) {
      ours.push(crd);
      continue;
    }
    // Another implementation's CRD is used as it is, so it must serve a version Causeway speaks:
    // refusing here beats a controller that cannot start in the Pod.
    const foreign = {
      metadata: { name },
      spec: { group: current.spec.group, versions: current.spec.versions },
    };
    if (pickServedVersion(foreign, wantedVersions(foreign.spec.group)) === undefined)
      throw incompatibleCrd(foreign, `context ${session.context}: `);
    kept.push(name);
  }
  for (const crd of ours) {
    await session.apply(crd);
    applied.push(describeObject(crd));
  }
  for (const crd of crds) await waitEstablished(session, crd.metadata?.name ?? '');
  return { applied, kept };
}

async function waitEstablished(
  session: KubeSession,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const crd = await session.read<V1CustomResourceDefinition>({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name,
    });
    if (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
      return;
    await sleep(100);
  }
  throw new CausewayError(
    ErrorCode.Timeout,
    `context ${session.context}: CustomResourceDefinition ${name} was not established within ${timeoutMs / 1000}s`,
    {
      hint: 'check the API server logs; the CRD may be invalid for this Kubernetes version',
    },
  );
}
