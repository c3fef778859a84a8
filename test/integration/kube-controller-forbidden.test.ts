// The controller under RBAC that denies it something: deploy/rbac without `create`/`patch` on
// EndpointSlices, granted back only in namespace shop. Real API servers, the controller process as
// users run it (impersonating its ServiceAccount): a refused import gets a condition and a Warning
// Event naming what is missing, the rest keeps working, and granting it heals without a restart.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  Resources,
  collectionPath,
  objectPath,
  serviceImports,
  type EndpointSlice,
  type KubeObject,
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
const SERVICE_ACCOUNT = `system:serviceaccount:${CONTROLLER_NAMESPACE}:causeway`;

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type RbacObject = KubeObject & { rules?: Rule[] };

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

/** A Role and RoleBinding in `namespace` giving the controller back what the ClusterRole lacks. */
function sliceGrant(namespace: string): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'causeway-slices', namespace },
      rules: [
        {
          apiGroups: ['discovery.k8s.io'],
          resources: ['endpointslices'],
          verbs: ['create', 'patch'],
        },
      ],
    } as KubeObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'causeway-slices', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'causeway-slices' },
      subjects: [{ kind: 'ServiceAccount', name: 'causeway', namespace: CONTROLLER_NAMESPACE }],
    } as KubeObject,
  ];
}

interface CoreEvent {
  reason?: string;
  type?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
}

describe('kube controller denied create on EndpointSlices outside one namespace', () => {
  let set: KubeClusterset;
  let controller: ChildProcess;
  const backends: ChildProcess[] = [];

  const importOf = (namespace: string): Promise<ServiceImport | undefined> =>
    set.rest('west').get<ServiceImport>(objectPath(serviceImports('v1beta1'), 'web', namespace));
  const slicesOf = async (namespace: string): Promise<EndpointSlice[]> =>
    (
      await set
        .rest('west')
        .list<EndpointSlice>(collectionPath(Resources.endpointSlices, namespace))
    ).items.filter((s) => s.metadata.labels?.['multicluster.kubernetes.io/service-name'] === 'web');
  const forbiddenCondition = async (
    namespace: string,
  ): Promise<{ reason?: string; message?: string; status?: string } | undefined> =>
    (
      (await importOf(namespace))?.status as
        | {
            conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
          }
        | undefined
    )?.conditions?.find((c) => c.reason === 'Forbidden');

  before(async () => {
    set = await KubeClusterset.create(['east', 'west']);
    for (const cluster of ['east', 'west'])
      for (const ns of ['shop', 'blocked']) await set.namespace(cluster, ns);
    for (const doc of parseAllDocuments(await readFile(RBAC_FILE, 'utf8'))) {
      const object = doc.toJS() as RbacObject;
      if (object.kind === 'ClusterRole') {
        for (const rule of object.rules ?? [])
          if (rule.resources.includes('endpointslices'))
            rule.verbs = rule.verbs.filter((v) => v !== 'create' && v !== 'patch');
      }
      await set.create('west', collectionOf(object), object);
    }
    for (const object of sliceGrant('shop')) await set.create('west', collectionOf(object), object);
    const west = set.clusters.get('west');
    assert.ok(west !== undefined);
    const kubeconfig = parse(await readFile(west.kubeconfigPath, 'utf8')) as {
      users: Array<{ user: Record<string, unknown> }>;
    };
    for (const user of kubeconfig.users) user.user['as'] = SERVICE_ACCOUNT;
    const limited = join(set.fx.root, 'west-limited.kubeconfig');
    await writeFile(limited, stringify(kubeconfig), { mode: 0o600 });
    await set.startController('east');
    controller = await set.startController('west', ['--kubeconfig', limited]);
    const backend = await startLabNameServer(set.lab, 'east-web', `${set.lab.prefix}.30.1`);
    backends.push(backend.child);
    for (const ns of ['shop', 'blocked']) {
      await set.service('east', ns, 'web', [{ name: 'tcp', port: 80 }]);
      await set.endpointSlice('east', ns, 'web', { name: 'tcp', port: backend.port }, [
        { address: backend.host },
      ]);
      await set.serviceExport('east', ns, 'web');
    }
  });

  after(async () => {
    await set?.close();
    for (const b of backends) b.kill();
  });

  it('the refused import carries Ready=False reason Forbidden, naming the verb, the resource and where to grant it', async () => {
    const condition = await set
      .waitFor(
        'the Forbidden condition on blocked/web',
        () => forbiddenCondition('blocked'),
        30_000,
      )
      .catch(async (err: Error) => {
        const log = (await set.controllerLog('west'))
          .split('\n')
          .filter((l) => /refused|Forbidden/.test(l));
        throw new Error(`${err.message}; controller log:\n${log.slice(-5).join('\n')}`);
      });
    assert.equal(condition.status, 'False');
    assert.match(
      condition.message ?? '',
      /cannot (create|patch) resource "endpointslices" in API group "discovery\.k8s\.io" in the namespace "blocked"/,
    );
    assert.match(
      condition.message ?? '',
      /causeway-controller ClusterRole \(deploy\/rbac\/controller-rbac\.yaml/,
    );
    assert.deepEqual(await slicesOf('blocked'), []);
  });

  it('and a Warning Event on it, once (not one per retry)', async () => {
    const events = await set.waitFor('a Forbidden Event in blocked', async () => {
      const list = (
        await set
          .rest('west')
          .list<KubeObject & CoreEvent>(collectionPath(Resources.events, 'blocked'))
      ).items.filter((e) => e.reason === 'Forbidden');
      return list.length > 0 ? list : undefined;
    });
    assert.equal(events[0]?.type, 'Warning');
    assert.deepEqual(
      [events[0]?.involvedObject?.kind, events[0]?.involvedObject?.name],
      ['ServiceImport', 'web'],
    );
    assert.match(events[0]?.message ?? '', /cannot (create|patch) resource "endpointslices"/);
    assert.equal(
      events.length,
      1,
      'the work queue retries, the Event is not repeated within a minute',
    );
  });

  it('the controller keeps running and serving the rest: the import in shop is complete', async () => {
    await set.waitFor('the shop import with its slice', async () => {
      const si = await importOf('shop');
      return (si?.spec?.ips ?? []).length > 0 && (await slicesOf('shop')).length > 0
        ? true
        : undefined;
    });
    assert.equal(await forbiddenCondition('shop'), undefined);
    assert.equal(controller.exitCode, null, 'the controller did not exit');
    assert.doesNotMatch(await set.controllerLog('west'), /CW_INTERNAL|uncaught/i);
  });

  it('granting the permission heals it without a restart: slices appear and the condition goes', async () => {
    for (const object of sliceGrant('blocked'))
      await set.create('west', collectionOf(object), object);
    // The work queue's back-off is at most 10 s.
    await set.waitFor(
      'slices in blocked',
      async () => ((await slicesOf('blocked')).length > 0 ? true : undefined),
      30_000,
    );
    await set.waitFor(
      'the Forbidden condition gone',
      async () => ((await forbiddenCondition('blocked')) === undefined ? true : undefined),
      30_000,
    );
    assert.equal(controller.exitCode, null);
  });
});
