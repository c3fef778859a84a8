import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  ClusterPropertyName,
  Resources,
  collectionPath,
  derivedServiceName,
  objectPath,
  serviceExports,
  serviceImports,
  type ClusterProperty,
  type EndpointSlice,
  type KubeList,
  type Service,
  type ServiceExport,
  type ServiceImport,
} from '../../src/kube/index.js';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { readAll } from '../support/tcp-probes.js';

/** Conditions of a ServiceExport by type, once it has all three. */
async function conditionsOf(
  set: KubeClusterset,
  cluster: string,
  namespace: string,
  name: string,
): Promise<Record<string, { status: string; reason: string; message: string }> | undefined> {
  const se = await set
    .rest(cluster)
    .get<ServiceExport>(objectPath(serviceExports('v1beta1'), name, namespace));
  const list = se?.status?.conditions ?? [];
  return list.length === 3 ? Object.fromEntries(list.map((c) => [c.type, c])) : undefined;
}

/** A usable import in `cluster`: ServiceImport with an IP, derived Service, EndpointSlice with an address. */
async function usableImport(
  set: KubeClusterset,
  cluster: string,
  namespace: string,
  name: string,
): Promise<{ si: ServiceImport; slices: EndpointSlice[] } | undefined> {
  const rest = set.rest(cluster);
  const si = await rest.get<ServiceImport>(objectPath(serviceImports('v1beta1'), name, namespace));
  if (
    si === undefined ||
    (si.status?.clusters ?? []).length === 0 ||
    (si.spec?.type === 'ClusterSetIP' && (si.spec.ips ?? []).length === 0)
  )
    return undefined;
  const slices = await rest.list<EndpointSlice>(
    collectionPath(Resources.endpointSlices, namespace),
    { labelSelector: `multicluster.kubernetes.io/service-name=${name}` },
  );
  if (slices.items.length === 0 || slices.items.some((s) => (s.endpoints ?? []).length === 0))
    return undefined;
  return { si, slices: slices.items };
}

async function importGone(
  set: KubeClusterset,
  cluster: string,
  namespace: string,
  name: string,
): Promise<true | undefined> {
  const rest = set.rest(cluster);
  const si = await rest.get(objectPath(serviceImports('v1beta1'), name, namespace));
  const derived = await rest.get(
    objectPath(Resources.services, derivedServiceName(namespace, name), namespace),
  );
  const slices = await rest.list<EndpointSlice>(
    collectionPath(Resources.endpointSlices, namespace),
    { labelSelector: `multicluster.kubernetes.io/service-name=${name}` },
  );
  return si === undefined && derived === undefined && slices.items.length === 0 ? true : undefined;
}

describe('kube controller: two clusters with real API servers, routers and controllers', () => {
  let set: KubeClusterset;
  const backends: ChildProcess[] = [];
  let hosts = 0;
  /** A backend "pod" on the lab's node network, as the EndpointSlice controller would list it. */
  const startNameServer = async (name: string): Promise<{ port: number; host: string }> => {
    const b = await startLabNameServer(set.lab, name, `${set.lab.prefix}.10.${++hosts}`);
    backends.push(b.child);
    return b;
  };

  before(async () => {
    set = await KubeClusterset.create(['east', 'west']);
    for (const cluster of ['east', 'west']) await set.namespace(cluster, 'shop');
    await Promise.all(['east', 'west'].map((c) => set.startController(c)));
  });

  after(async () => {
    await set?.close();
    for (const b of backends) b.kill();
  });

  it('installs the CRDs and records each cluster id as a ClusterProperty', async () => {
    for (const cluster of ['east', 'west']) {
      const id = await set.waitFor('cluster id', () =>
        set
          .rest(cluster)
          .get<ClusterProperty>(
            objectPath(Resources.clusterProperties, ClusterPropertyName.clusterId),
          ),
      );
      assert.equal(id.spec.value, cluster);
      const crd = await set
        .rest(cluster)
        .get(objectPath(Resources.crds, 'serviceimports.multicluster.x-k8s.io'));
      assert.ok(crd !== undefined);
    }
  });

  it('export in east: ServiceImport, derived Service and EndpointSlice appear in west, and traffic through the slice address reaches east', async () => {
    const backend = await startNameServer('east-web');
    await set.service('east', 'shop', 'web', [{ name: 'http', port: 80 }]);
    await set.endpointSlice('east', 'shop', 'web', { name: 'http', port: backend.port }, [
      { address: backend.host, zone: 'east-1b' },
    ]);
    const started = Date.now();
    await set.serviceExport('east', 'shop', 'web');
    const imported = await set.waitFor('usable import in west', () =>
      usableImport(set, 'west', 'shop', 'web'),
    );
    const latencyMs = Date.now() - started;
    console.log(
      `# ServiceExport in east -> usable ServiceImport in west: ${latencyMs} ms (goal <= 1000 ms)`,
    );
    assert.equal(imported.si.spec?.type, 'ClusterSetIP');
    assert.deepEqual(imported.si.status?.clusters, [{ cluster: 'east' }]);
    const derived = await set
      .rest('west')
      .get<Service>(objectPath(Resources.services, derivedServiceName('shop', 'web'), 'shop'));
    assert.deepEqual(imported.si.spec?.ips, [derived?.spec?.clusterIP]);
    assert.equal(derived?.metadata.ownerReferences?.[0]?.kind, 'ServiceImport');
    const slice = imported.slices[0];
    assert.equal(
      slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'],
      'controller.causeway.io',
    );
    assert.equal(
      slice?.metadata.labels?.['kubernetes.io/service-name'],
      derivedServiceName('shop', 'web'),
    );
    assert.equal(slice?.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], 'west');
    const address = slice?.endpoints?.[0]?.addresses[0] ?? '';
    const port = slice?.ports?.[0]?.port ?? 0;
    // What kube-proxy would do with the slice: connect to its endpoint.
    assert.equal(await readAll({ host: address, port }), 'east-web');
    const conditions = await set.waitFor('ServiceExport conditions', async () => {
      const c = await conditionsOf(set, 'east', 'shop', 'web');
      return c?.['Ready']?.status === 'True' ? c : undefined;
    });
    assert.equal(conditions['Valid']?.status, 'True');
    assert.equal(conditions['Conflict']?.status, 'False');
    // The exporting cluster imports its own service too (its namespace exists there).
    await set.waitFor('import in east', () => usableImport(set, 'east', 'shop', 'web'));
  });

  it('the same service exported with different ports in both clusters raises PortConflict on both', async () => {
    for (const [cluster, port] of [
      ['east', 81],
      ['west', 82],
    ] as const) {
      const backend = await startNameServer(`${cluster}-api`);
      await set.service(cluster, 'shop', 'api', [{ name: `tcp-${port}`, port }]);
      await set.endpointSlice(cluster, 'shop', 'api', { name: `tcp-${port}`, port: backend.port }, [
        { address: backend.host },
      ]);
      await set.serviceExport(cluster, 'shop', 'api');
      await set.waitFor(`api imported in ${cluster === 'east' ? 'west' : 'east'}`, () =>
        usableImport(set, cluster === 'east' ? 'west' : 'east', 'shop', 'api'),
      );
    }
    for (const cluster of ['east', 'west']) {
      const c = await set.waitFor(`Conflict on ${cluster}`, async () => {
        const found = await conditionsOf(set, cluster, 'shop', 'api');
        return found?.['Conflict']?.status === 'True' ? found : undefined;
      });
      assert.match(c['Conflict']?.reason ?? '', /PortConflict/);
      assert.match(c['Conflict']?.message ?? '', /oldest service export in "east"/);
    }
    const si = await usableImport(set, 'west', 'shop', 'api');
    assert.deepEqual(si?.si.spec?.ports.map((p) => p.port).sort(), [81, 82]);
  });

  it('ExternalName is Valid=False/InvalidServiceType; a missing Service is NoService until it appears', async () => {
    await set.service('east', 'shop', 'legacy', [], {
      type: 'ExternalName',
      externalName: 'db.example.org',
    } as never);
    await set.serviceExport('east', 'shop', 'legacy');
    const invalid = await set.waitFor('InvalidServiceType', () =>
      conditionsOf(set, 'east', 'shop', 'legacy'),
    );
    assert.equal(invalid['Valid']?.status, 'False');
    assert.equal(invalid['Valid']?.reason, 'InvalidServiceType');
    await set.serviceExport('east', 'shop', 'later');
    const missing = await set.waitFor('NoService', () =>
      conditionsOf(set, 'east', 'shop', 'later'),
    );
    assert.equal(missing['Valid']?.reason, 'NoService');
    const backend = await startNameServer('east-later');
    await set.service('east', 'shop', 'later', [{ name: 'tcp', port: 83 }]);
    await set.endpointSlice('east', 'shop', 'later', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.waitFor('later becomes valid', async () =>
      (await conditionsOf(set, 'east', 'shop', 'later'))?.['Valid']?.status === 'True'
        ? true
        : undefined,
    );
    await set.waitFor('later imported in west', () => usableImport(set, 'west', 'shop', 'later'));
    assert.equal(await importGone(set, 'west', 'shop', 'legacy'), true);
  });

  it('a namespace created later gets its imports when it appears', async () => {
    await set.namespace('east', 'late');
    const backend = await startNameServer('east-late');
    await set.service('east', 'late', 'svc', [{ name: 'tcp', port: 84 }]);
    await set.endpointSlice('east', 'late', 'svc', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('east', 'late', 'svc');
    await set.waitFor('import in east', () => usableImport(set, 'east', 'late', 'svc'));
    assert.equal(
      await importGone(set, 'west', 'late', 'svc'),
      true,
      'no import where the namespace does not exist',
    );
    await set.namespace('west', 'late');
    const imported = await set.waitFor('import in west after the namespace appears', () =>
      usableImport(set, 'west', 'late', 'svc'),
    );
    const slice = imported.slices[0];
    assert.equal(
      await readAll({
        host: slice?.endpoints?.[0]?.addresses[0] ?? '',
        port: slice?.ports?.[0]?.port ?? 0,
      }),
      'east-late',
    );
  });

  it('unexport: the import is removed from every cluster within seconds', async () => {
    const started = Date.now();
    await set.removeServiceExport('east', 'shop', 'web');
    await set.waitFor('import gone in west', () => importGone(set, 'west', 'shop', 'web'), 10_000);
    await set.waitFor('import gone in east', () => importGone(set, 'east', 'shop', 'web'), 10_000);
    console.log(
      `# unexport in east -> import removed in west and east: ${Date.now() - started} ms`,
    );
    const list = await set
      .rest('west')
      .list<ServiceImport>(collectionPath(serviceImports('v1beta1'), 'shop'));
    assert.ok(!list.items.some((s) => s.metadata.name === 'web'));
  });

  it('headless export: one endpoint per remote endpoint, each with its own address and hostname, in a slice per source cluster', async () => {
    const cass0 = await startNameServer('cass-0');
    const cass1 = await startNameServer('cass-1');
    await set.service('east', 'shop', 'cass', [{ name: 'cql', port: 9042 }], { clusterIP: 'None' });
    await set.endpointSlice('east', 'shop', 'cass', { name: 'cql', port: cass0.port }, [
      { address: cass0.host, hostname: 'cass-0' },
    ]);
    await set.endpointSlice('east', 'shop', 'cass', { name: 'cql', port: cass1.port }, [
      { address: cass1.host, hostname: 'cass-1' },
    ]);
    await set.serviceExport('east', 'shop', 'cass');
    const imported = await set.waitFor('headless import in west', async () => {
      const found = await usableImport(set, 'west', 'shop', 'cass');
      return (found?.slices[0]?.endpoints ?? []).length === 2 ? found : undefined;
    });
    assert.equal(imported.si.spec?.type, 'Headless');
    assert.deepEqual(imported.si.spec?.ips, []);
    const derived = await set
      .rest('west')
      .get<Service>(objectPath(Resources.services, derivedServiceName('shop', 'cass'), 'shop'));
    assert.equal(derived?.spec?.clusterIP, 'None');
    const slice = imported.slices[0];
    assert.equal(slice?.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], 'east');
    const answers = new Map<string, string>();
    for (const endpoint of slice?.endpoints ?? [])
      answers.set(
        endpoint.hostname ?? '',
        await readAll({ host: endpoint.addresses[0] ?? '', port: slice?.ports?.[0]?.port ?? 0 }),
      );
    assert.deepEqual(Object.fromEntries(answers), { 'cass-0': 'cass-0', 'cass-1': 'cass-1' });
  });

  it('a second controller replica waits on the Lease and takes over when the leader stops', async () => {
    const leaders = async (): Promise<string[]> =>
      (await set.controllerLog('west'))
        .split('\n')
        .filter((l) => l.includes('"msg":"became leader"'));
    const [leaderKey] = [...set.controllers.keys()].filter((key) => key.startsWith('west#'));
    const standby = await set.startController('west');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await leaders()).length, 1, 'only one replica leads');
    await set.stopController(set.controllers.get(leaderKey ?? '') as ChildProcess);
    const started = Date.now();
    await set.waitFor(
      'the standby leads',
      async () =>
        (await leaders()).some((l) => l.includes(`-${standby.pid}-`)) ? true : undefined,
      15_000,
    );
    console.log(
      `# leader stopped -> standby leads: ${Date.now() - started} ms (lease released on shutdown)`,
    );
    const backend = await startNameServer('east-failover');
    await set.service('east', 'shop', 'failover', [{ name: 'tcp', port: 89 }]);
    await set.endpointSlice('east', 'shop', 'failover', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('east', 'shop', 'failover');
    await set.waitFor(
      'import written by the new leader',
      () => usableImport(set, 'west', 'shop', 'failover'),
      30_000,
    );
  });

  it('refuses to start against a cluster whose ClusterProperty names another site', async () => {
    const result = await set.fx.cli(
      [
        'kube',
        'controller',
        '--dir',
        set.fx.dir('east'),
        '--kubeconfig',
        set.clusters.get('west')?.kubeconfigPath ?? '',
        '--namespace',
        'causeway-system',
      ],
      true,
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /ClusterProperty cluster\.clusterset\.k8s\.io is "west", but this site is "east"/,
    );
    assert.match(result.stderr, /hint: /);
  });

  it('serves ServiceImports in v1alpha1 too (both versions served)', async () => {
    const list = await set
      .rest('west')
      .list<ServiceImport>(collectionPath(serviceImports('v1alpha1'), 'shop'));
    assert.ok(list.items.some((s) => s.metadata.name === 'api'));
    const typed: KubeList<ServiceImport> = list;
    assert.ok(typed.items.every((s) => s.apiVersion === 'multicluster.x-k8s.io/v1alpha1'));
  });
});
