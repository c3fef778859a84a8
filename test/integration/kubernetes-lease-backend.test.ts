import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, hasCode } from '../../src/errors/index.js';
import { KubernetesLeaseBackend } from '../../src/lease/index.js';
import { manualClock, runLeaseContract } from '../../src/lease/lease-backend.case.test.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { freePort } from '../support/tcp-probes.js';

describe('KubernetesLeaseBackend against a real kube-apiserver', () => {
  let cluster: KubeCluster;
  let core: CoreV1Api;
  let leases: CoordinationV1Api;
  let namespaces = 0;

  before(async () => {
    cluster = await startKubeCluster({ name: 'coordination' });
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    core = config.makeApiClient(CoreV1Api);
    leases = config.makeApiClient(CoordinationV1Api);
  });

  after(() => cluster?.stop());

  /** A namespace of its own per case: namespaces cannot be emptied here (no namespace controller). */
  async function freshNamespace(): Promise<string> {
    const namespace = `leases-${++namespaces}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    return namespace;
  }

  runLeaseContract('KubernetesLeaseBackend', async () => {
    const namespace = await freshNamespace();
    const clock = manualClock();
    const open = (): Promise<KubernetesLeaseBackend> =>
      KubernetesLeaseBackend.open({ kubeconfig: cluster.kubeconfigPath, namespace, clock });
    return { backend: await open(), clock, reopen: open, cleanup: async () => undefined };
  });

  it('stores a coordination.k8s.io Lease that Kubernetes tools can read', async () => {
    const namespace = await freshNamespace();
    const backend = await KubernetesLeaseBackend.open({
      kubeconfig: cluster.kubeconfigPath,
      context: 'coordination',
      namespace,
    });
    const { lease } = await backend.acquire('payments-writer', 'site-a', 30_000);
    const objects = await leases.listNamespacedLease({
      namespace,
      labelSelector: 'causeway.io/lease=fencing',
    });
    assert.equal(objects.items.length, 1);
    const [object] = objects.items;
    assert.match(object?.metadata?.name ?? '', /^causeway-payments-writer-[0-9a-f]{10}$/);
    assert.equal(object?.spec?.holderIdentity, 'site-a');
    assert.equal(object?.spec?.leaseDurationSeconds, 30);
    assert.equal(
      object?.metadata?.annotations?.['causeway.io/fencing-token'],
      String(lease.fencingToken),
    );
    assert.equal(
      object?.metadata?.annotations?.['causeway.io/expires-at'],
      String(lease.expiresAt),
    );
    assert.ok(object?.spec?.renewTime !== undefined, 'renewTime is set');
  });

  it('keeps tokens growing when the Lease object is deleted and created again', async () => {
    const namespace = await freshNamespace();
    const backend = await KubernetesLeaseBackend.open({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
    });
    const first = await backend.acquire('ledger', 'site-a', 60_000);
    // Other objects change meanwhile, as in any live cluster; none of it may matter.
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'noise' }, data: { a: '1' } },
    });
    const [object] = (await leases.listNamespacedLease({ namespace })).items;
    await leases.deleteNamespacedLease({ name: object?.metadata?.name ?? '', namespace });
    assert.equal(await backend.get('ledger'), undefined);
    const second = await backend.acquire('ledger', 'site-b', 60_000);
    assert.equal(second.acquired, true);
    assert.ok(
      second.lease.fencingToken > first.lease.fencingToken,
      `${second.lease.fencingToken} > ${first.lease.fencingToken}`,
    );
  });

  it('gives names that differ only in case or punctuation objects of their own', async () => {
    const namespace = await freshNamespace();
    const backend = await KubernetesLeaseBackend.open({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
    });
    await backend.acquire('Payments_Writer', 'site-a', 60_000);
    await backend.acquire('payments-writer', 'site-b', 60_000);
    assert.deepEqual(
      (await backend.list()).map((lease) => [lease.name, lease.holder]),
      [
        ['Payments_Writer', 'site-a'],
        ['payments-writer', 'site-b'],
      ],
    );
  });

  it('works on across an API server restart', async () => {
    const namespace = await freshNamespace();
    const backend = await KubernetesLeaseBackend.open({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
    });
    const held = await backend.acquire('payments-writer', 'site-a', 60_000);
    await cluster.restart();
    assert.deepEqual(await backend.get('payments-writer'), held.lease);
    assert.equal((await backend.acquire('payments-writer', 'site-b', 60_000)).acquired, false);
  });

  it('names the missing permission when RBAC refuses the user', async () => {
    const namespace = await freshNamespace();
    // A ServiceAccount token from the TokenRequest API: a real identity with no role bindings.
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'nobody' } },
    });
    const { status } = await core.createNamespacedServiceAccountToken({
      name: 'nobody',
      namespace,
      body: { spec: { audiences: [] } },
    });
    const scratch = await mkdtemp(join(tmpdir(), 'causeway-kubeconfig-'));
    try {
      const kubeconfig = await writeKubeconfig(join(scratch, 'kubeconfig'), [
        { ...cluster, token: status?.token ?? '' },
      ]);
      const backend = await KubernetesLeaseBackend.open({ kubeconfig, namespace });
      await assert.rejects(backend.acquire('payments-writer', 'site-a', 1_000), (err) => {
        assert.ok(hasCode(err, ErrorCode.KubeApiFailed), String(err));
        assert.match((err as Error).message, /HTTP 403/);
        assert.match(
          (err as { hint?: string }).hint ?? '',
          /leases\.coordination\.k8s\.io in namespace leases-\d+/,
        );
        return true;
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('says how to fix a missing namespace, an unknown context and an unreachable server', async () => {
    const missing = await KubernetesLeaseBackend.open({
      kubeconfig: cluster.kubeconfigPath,
      namespace: 'not-created',
    });
    await assert.rejects(missing.acquire('payments-writer', 'site-a', 1_000), (err) => {
      assert.ok(hasCode(err, ErrorCode.KubeApiFailed), String(err));
      assert.match((err as { hint?: string }).hint ?? '', /kubectl create namespace not-created/);
      return true;
    });
    await assert.rejects(
      KubernetesLeaseBackend.open({ kubeconfig: cluster.kubeconfigPath, context: 'elsewhere' }),
      (err) => hasCode(err, ErrorCode.KubeConfigInvalid),
    );
    await assert.rejects(
      KubernetesLeaseBackend.open({ kubeconfig: join(tmpdir(), 'no-such-kubeconfig') }),
      (err) => hasCode(err, ErrorCode.KubeConfigInvalid),
    );
    const scratch = await mkdtemp(join(tmpdir(), 'causeway-kubeconfig-'));
    try {
      const kubeconfig = await writeKubeconfig(join(scratch, 'kubeconfig'), [
        { ...cluster, server: `https://127.0.0.1:${await freePort()}` },
      ]);
      const unreachable = await KubernetesLeaseBackend.open({ kubeconfig });
      await assert.rejects(unreachable.get('payments-writer'), (err) =>
        hasCode(err, ErrorCode.BackendUnreachable),
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
