import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  Resources,
  collectionPath,
  derivedServiceName,
  objectPath,
  serviceExports,
  serviceImports,
  type EndpointSlice,
  type Service,
  type ServiceExport,
  type ServiceImport,
} from '../../src/kube/index.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { readAll } from '../support/tcp-probes.js';

/**
 * A router pod re-created (rollout, eviction, node drain) restarts the router and the controller
 * together. The new router hears from its peers only once its links are up; until then the
 * imports and their derived Services must stay, so their ClusterIPs (what clients hold from DNS
 * and config) are the same afterwards.
 */
describe('kube controller: imports survive a re-created router pod with the same addresses', () => {
  let set: KubeClusterset;
  const children: ChildProcess[] = [];
  const controllers = new Map<string, ChildProcess>();

  /** The ServiceImport's IPs, the derived Service's uid and an address that answers, once usable. */
  async function imported(
    cluster: string,
    name: string,
  ): Promise<{ ips: string[]; uid: string; host: string; port: number }> {
    return set.waitFor(
      `${name} imported in ${cluster}`,
      async () => {
        const si = await set
          .rest(cluster)
          .get<ServiceImport>(objectPath(serviceImports('v1beta1'), name, 'shop'));
        const derived = await set
          .rest(cluster)
          .get<Service>(objectPath(Resources.services, derivedServiceName('shop', name), 'shop'));
        const slices = await set
          .rest(cluster)
          .list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'shop'), {
            labelSelector: `multicluster.kubernetes.io/service-name=${name}`,
          });
        const host = slices.items[0]?.endpoints?.[0]?.addresses[0];
        const port = slices.items[0]?.ports?.[0]?.port;
        const ips = si?.spec?.ips ?? [];
        if (
          ips.length === 0 ||
          derived?.metadata.uid === undefined ||
          host === undefined ||
          port === undefined
        )
          return undefined;
        return { ips, uid: derived.metadata.uid, host, port };
      },
      40_000,
    );
  }

  /** Fails the returned check if the import is ever missing or has other IPs while `watch` runs. */
  function watchImport(
    cluster: string,
    name: string,
    ips: string[],
  ): { stop: () => Promise<string[]> } {
    const problems: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const si = await set
          .rest(cluster)
          .get<ServiceImport>(objectPath(serviceImports('v1beta1'), name, 'shop'));
        if (si === undefined)
          problems.push(`${new Date().toISOString()} ServiceImport ${name} missing`);
        else if (JSON.stringify(si.spec?.ips ?? []) !== JSON.stringify(ips))
          problems.push(`ServiceImport ${name} has ips ${JSON.stringify(si.spec?.ips)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    return { stop: async () => ((running = false), await loop, problems) };
  }

  /** What a pod re-creation does to west: both processes die at once (SIGKILL), then start again. */
  async function recreateWest(): Promise<void> {
    const router = set.fx.routers.get('west');
    const controller = controllers.get('west');
    const gone = [router?.child, controller].map((c) =>
      c === undefined || c.exitCode !== null
        ? Promise.resolve()
        : new Promise((r) => c.once('exit', r)),
    );
    router?.child.kill('SIGKILL');
    controller?.kill('SIGKILL');
    await Promise.all(gone);
    set.fx.routers.delete('west');
    await set.startRouter('west');
    controllers.set('west', await set.startController('west'));
  }

  before(async () => {
    set = await KubeClusterset.create(['east', 'west']);
    for (const cluster of ['east', 'west']) await set.namespace(cluster, 'shop');
    for (const cluster of ['east', 'west'])
      controllers.set(cluster, await set.startController(cluster));
    const backend = await startLabNameServer(set.lab, 'east-web', `${set.lab.prefix}.20.1`);
    children.push(backend.child);
    await set.service('east', 'shop', 'web', [{ name: 'tcp', port: 80 }]);
    await set.endpointSlice('east', 'shop', 'web', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('east', 'shop', 'web');
  });

  after(async () => {
    await set?.close();
    for (const c of children) c.kill();
  });

  it('re-created while its peer answers: same ServiceImport IPs, same derived Service', async () => {
    const first = await imported('west', 'web');
    const watch = watchImport('west', 'web', first.ips);
    await recreateWest();
    const again = await imported('west', 'web');
    assert.deepEqual(await watch.stop(), []);
    assert.deepEqual(again.ips, first.ips);
    assert.equal(again.uid, first.uid, 'the derived Service was not re-created');
    assert.equal(await readAll(again), 'east-web');
  });

  it('re-created while its peer is unreachable: nothing is removed before the router hears from it', async () => {
    const first = await imported('west', 'web');
    await set.stopRouter('east');
    const watch = watchImport('west', 'web', first.ips);
    await recreateWest();
    // Proof the new controller leads and reconciles meanwhile: it answers a new export of its own.
    const backend = await startLabNameServer(set.lab, 'west-local', `${set.lab.prefix}.20.2`);
    children.push(backend.child);
    await set.service('west', 'shop', 'local', [{ name: 'tcp', port: 81 }]);
    await set.endpointSlice('west', 'shop', 'local', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('west', 'shop', 'local');
    await set.waitFor('west answers its own export', async () => {
      const se = await set
        .rest('west')
        .get<ServiceExport>(objectPath(serviceExports('v1beta1'), 'local', 'shop'));
      return (se?.status?.conditions ?? []).length > 0 ? true : undefined;
    });
    assert.deepEqual(await watch.stop(), [], 'the import stays while west has not heard from east');
    const watchAgain = watchImport('west', 'web', first.ips);
    await set.startRouter('east');
    const again = await imported('west', 'web');
    // The address is the one clients hold; it answers again once west has heard from east.
    const answer = await set.waitFor('the held address answers again', () =>
      readAll(again).catch(() => undefined),
    );
    assert.deepEqual(
      await watchAgain.stop(),
      [],
      'the import stayed, with its IPs, the whole time',
    );
    assert.match(await set.controllerLog('west'), /router is re-learning the clusterset/);
    assert.equal(again.uid, first.uid, 'the derived Service was not re-created');
    assert.equal(answer, 'east-web');
  });
});
