import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { loadManagedState, sitePaths } from '../../src/config/index.js';
import {
  Resources,
  collectionPath,
  globalSliceName,
  objectPath,
  serviceImports,
  type EndpointSlice,
  type Secret,
  type ServiceImport,
} from '../../src/kube/index.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { CONTROLLER_NAMESPACE, KubeClusterset } from '../support/kube-clusterset.js';
import { readAll } from '../support/tcp-probes.js';

describe('kube controller: global services, link Secrets, router and API server restarts', () => {
  let set: KubeClusterset;
  const backends: ChildProcess[] = [];
  let hosts = 0;

  /** Exports `name` from `cluster` with one backend answering `answer`. */
  async function exportService(
    cluster: string,
    namespace: string,
    name: string,
    port: number,
    answer: string,
    annotations: Record<string, string> = {},
  ): Promise<void> {
    const b = await startLabNameServer(set.lab, answer, `${set.lab.prefix}.20.${++hosts}`);
    backends.push(b.child);
    await set.service(cluster, namespace, name, [{ name: 'tcp', port }], {}, annotations);
    await set.endpointSlice(cluster, namespace, name, { name: 'tcp', port: b.port }, [
      { address: b.host },
    ]);
    await set.serviceExport(cluster, namespace, name);
  }

  async function importAddress(
    cluster: string,
    namespace: string,
    name: string,
    timeoutMs = 20_000,
  ): Promise<{ host: string; port: number }> {
    return set.waitFor(
      `${name} imported in ${cluster}`,
      async () => {
        const si = await set
          .rest(cluster)
          .get<ServiceImport>(objectPath(serviceImports('v1beta1'), name, namespace));
        if ((si?.spec?.ips ?? []).length === 0) return undefined;
        const slices = await set
          .rest(cluster)
          .list<EndpointSlice>(collectionPath(Resources.endpointSlices, namespace), {
            labelSelector: `multicluster.kubernetes.io/service-name=${name}`,
          });
        const endpoint = slices.items[0]?.endpoints?.[0]?.addresses[0];
        const port = slices.items[0]?.ports?.[0]?.port;
        return endpoint === undefined || port === undefined ? undefined : { host: endpoint, port };
      },
      timeoutMs,
    );
  }

  before(async () => {
    set = await KubeClusterset.create(['east', 'west', 'north'], ['east', 'west']);
    for (const cluster of ['east', 'west', 'north']) await set.namespace(cluster, 'shop');
    await Promise.all(['east', 'west', 'north'].map((c) => set.startController(c)));
  });

  after(async () => {
    await set?.close();
    for (const b of backends) b.kill();
  });

  it('a global service (Cilium annotations) makes the ordinary Service in the other cluster reach it, with the affinity as policy', async () => {
    await set.service('west', 'shop', 'glob', [{ name: 'tcp', port: 85 }]);
    await exportService('east', 'shop', 'glob', 85, 'east-glob', {
      'service.cilium.io/global': 'true',
      'service.cilium.io/affinity': 'remote',
    });
    const slice = await set.waitFor('global slice on the ordinary Service in west', () =>
      set
        .rest('west')
        .get<EndpointSlice>(objectPath(Resources.endpointSlices, globalSliceName('glob'), 'shop')),
    );
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'glob');
    assert.equal(
      await readAll({
        host: slice.endpoints?.[0]?.addresses[0] ?? '',
        port: slice.ports?.[0]?.port ?? 0,
      }),
      'east-glob',
    );
    const policy = await set.waitFor('affinity policy in west', async () =>
      (await loadManagedState(sitePaths(set.fx.dir('west')).managed)).policies.find(
        (p) => p.service === 'glob',
      ),
    );
    assert.equal(policy.affinity, 'remote');
    assert.equal(
      await set
        .rest('east')
        .get(objectPath(Resources.endpointSlices, globalSliceName('glob'), 'shop')),
      undefined,
      'the exporting cluster has no remote endpoint to add',
    );
  });

  it('link Secrets: a token request in east is answered, and redeeming it in north links the two sites', async () => {
    await set.create('east', collectionPath(Resources.secrets, CONTROLLER_NAMESPACE), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'token-for-north',
        namespace: CONTROLLER_NAMESPACE,
        labels: { 'causeway.io/token-request': 'true' },
        annotations: { 'causeway.io/for-site': 'north' },
      },
    });
    const issued = await set.waitFor('token issued', async () => {
      const s = await set
        .rest('east')
        .get<Secret>(objectPath(Resources.secrets, 'token-for-north', CONTROLLER_NAMESPACE));
      return s?.data?.['token'] === undefined ? undefined : s;
    });
    assert.ok(issued.metadata.annotations?.['causeway.io/issued-at'] !== undefined);
    await set.create('north', collectionPath(Resources.secrets, CONTROLLER_NAMESPACE), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'link-to-east',
        namespace: CONTROLLER_NAMESPACE,
        labels: { 'causeway.io/link-token': 'true' },
      },
      data: { token: issued.data?.['token'] ?? '' },
    });
    const redeemed = await set.waitFor('token redeemed', async () => {
      const s = await set
        .rest('north')
        .get<Secret>(objectPath(Resources.secrets, 'link-to-east', CONTROLLER_NAMESPACE));
      return s?.metadata.annotations?.['causeway.io/link-status'] === undefined ? undefined : s;
    });
    assert.equal(
      redeemed.metadata.annotations?.['causeway.io/link-status'],
      'Linked',
      redeemed.metadata.annotations?.['causeway.io/link-message'],
    );
    assert.equal(redeemed.data?.['token'], undefined, 'the token is not kept after use');
    await set.fx.waitFor('north', (s) =>
      s.links.some((l) => l.peer === 'east' && l.state === 'up'),
    );
    // Linked: east's services reach north through the controller's imports.
    assert.equal(await readAll(await importAddress('north', 'shop', 'glob')), 'east-glob');
  });

  it('router restart: imports stay while it is down, and what changed meanwhile arrives when it is back', async () => {
    await exportService('east', 'shop', 'before', 86, 'east-before');
    await importAddress('west', 'shop', 'before');
    await set.stopRouter('west');
    await exportService('east', 'shop', 'during', 87, 'east-during');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(
      (await set.rest('west').get(objectPath(serviceImports('v1beta1'), 'before', 'shop'))) !==
        undefined,
      'imports are not deleted while the router is away',
    );
    await set.startRouter('west');
    assert.equal(await readAll(await importAddress('west', 'shop', 'during')), 'east-during');
    assert.equal(await readAll(await importAddress('west', 'shop', 'before')), 'east-before');
  });

  it('exporting router down: imports elsewhere are held while their exporters are unreachable, not deleted', async () => {
    await importAddress('west', 'shop', 'before');
    await set.stopRouter('east');
    await set.fx.waitFor('west', (s) => !s.services.some((x) => x.name === 'before'));
    await new Promise((r) => setTimeout(r, 1_500));
    assert.ok(
      (await set.rest('west').get(objectPath(serviceImports('v1beta1'), 'before', 'shop'))) !==
        undefined,
      'the import survives a partition shorter than the stale bound',
    );
    await set.startRouter('east');
    await set.fx.waitFor('west', (s) =>
      s.services.some((x) => x.name === 'before' && x.vip !== null),
    );
    assert.equal(await readAll(await importAddress('west', 'shop', 'before')), 'east-before');
  });

  it('API server restart: the controller resumes its watches and keeps reconciling', async () => {
    await set.clusters.get('west')?.restart();
    await exportService('east', 'shop', 'after', 88, 'east-after');
    const started = Date.now();
    assert.equal(await readAll(await importAddress('west', 'shop', 'after', 30_000)), 'east-after');
    console.log(
      `# after the API server restart: import in west ${Date.now() - started} ms after the export`,
    );
    assert.match(await set.controllerLog('west'), /watch (failed|resumed)/);
  });
});
