import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  KubeApiError,
  KubeRest,
  Resources,
  collectionPath,
  loadKubeConfig,
  objectPath,
  serviceExports,
  serviceImports,
  type KubeObject,
  type Secret,
  type ServiceExport,
  type ServiceImport,
} from '../../src/kube/index.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { CONTROLLER_NAMESPACE, KubeClusterset } from '../support/kube-clusterset.js';

const RBAC_FILE = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/')
      ? '../../../deploy/rbac/controller-rbac.yaml'
      : '../../deploy/rbac/controller-rbac.yaml',
    import.meta.url,
  ),
);
/** deploy/rbac binds the ServiceAccount that deploy/manifests runs the pod as. */
const SERVICE_ACCOUNT = `system:serviceaccount:${CONTROLLER_NAMESPACE}:causeway`;

/** Where each kind in the RBAC file is created. */
function collectionOf(object: KubeObject): string {
  const namespace = object.metadata.namespace;
  switch (object.kind) {
    case 'ServiceAccount':
      return `/api/v1/namespaces/${namespace ?? ''}/serviceaccounts`;
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/${object.kind.toLowerCase()}s`;
    default:
      return `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace ?? ''}/${(object.kind ?? '').toLowerCase()}s`;
  }
}

describe('kube controller with only the permissions of deploy/rbac (impersonating its ServiceAccount)', () => {
  let set: KubeClusterset;
  const backends: ChildProcess[] = [];
  let limitedPath = '';

  before(async () => {
    set = await KubeClusterset.create(['east', 'west']);
    for (const cluster of ['east', 'west']) await set.namespace(cluster, 'shop');
    const west = set.clusters.get('west');
    assert.ok(west !== undefined);
    for (const doc of parseAllDocuments(await readFile(RBAC_FILE, 'utf8'))) {
      const object = doc.toJS() as KubeObject;
      await set.create('west', collectionOf(object), object);
    }
    // The same kubeconfig, acting as the controller's ServiceAccount: every call is authorized by the ClusterRole and Role alone.
    const kubeconfig = parse(await readFile(west.kubeconfigPath, 'utf8')) as {
      users: Array<{ user: Record<string, unknown> }>;
    };
    for (const user of kubeconfig.users) user.user['as'] = SERVICE_ACCOUNT;
    const limited = join(set.fx.root, 'west-limited.kubeconfig');
    await writeFile(limited, stringify(kubeconfig), { mode: 0o600 });
    limitedPath = limited;
    await set.startController('east');
    await set.startController('west', ['--kubeconfig', limited]);
  });

  after(async () => {
    await set?.close();
    for (const b of backends) b.kill();
  });

  it('the limited kubeconfig really is limited: Secrets outside the controller namespace are forbidden', async () => {
    const limited = new KubeRest(loadKubeConfig({ kubeconfig: limitedPath }));
    try {
      await assert.rejects(
        limited.list(collectionPath(Resources.secrets, 'shop')),
        (err: unknown) => err instanceof KubeApiError && err.status === 403,
      );
    } finally {
      limited.close();
    }
  });

  it('imports, exports with status, and answers a token request', async () => {
    const backend = await startLabNameServer(set.lab, 'east-web', `${set.lab.prefix}.30.1`);
    backends.push(backend.child);
    await set.service('east', 'shop', 'web', [{ name: 'tcp', port: 80 }]);
    await set.endpointSlice('east', 'shop', 'web', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('east', 'shop', 'web');
    await set.waitFor('import in west', async () => {
      const si = await set
        .rest('west')
        .get<ServiceImport>(objectPath(serviceImports('v1beta1'), 'web', 'shop'));
      return (si?.spec?.ips ?? []).length > 0 && (si?.status?.clusters ?? []).length > 0
        ? si
        : undefined;
    });
    await set.service('west', 'shop', 'api', [{ name: 'tcp', port: 81 }]);
    await set.serviceExport('west', 'shop', 'api');
    await set.waitFor('export status in west', async () => {
      const se = await set
        .rest('west')
        .get<ServiceExport>(objectPath(serviceExports('v1beta1'), 'api', 'shop'));
      return (se?.status?.conditions ?? []).length === 3 ? se : undefined;
    });
    await set.create('west', collectionPath(Resources.secrets, CONTROLLER_NAMESPACE), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'token-for-east',
        namespace: CONTROLLER_NAMESPACE,
        labels: { 'causeway.io/token-request': 'true' },
        annotations: { 'causeway.io/for-site': 'east' },
      },
    });
    await set.waitFor('token issued', async () =>
      (
        await set
          .rest('west')
          .get<Secret>(objectPath(Resources.secrets, 'token-for-east', CONTROLLER_NAMESPACE))
      )?.data?.['token'] === undefined
        ? undefined
        : true,
    );
    assert.doesNotMatch(await set.controllerLog('west'), /403/, 'no call was forbidden');
  });
});
