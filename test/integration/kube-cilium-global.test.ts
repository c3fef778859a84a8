import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  Resources,
  globalSliceName,
  objectPath,
  serviceExports,
  type EndpointSlice,
} from '../../src/kube/index.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { readAll } from '../support/tcp-probes.js';

/**
 * Cilium's global services, as Cluster Mesh manifests write them: the same Service in both
 * clusters, annotated `io.cilium/global-service: "true"`, and no ServiceExport anywhere. Each
 * cluster's ordinary Service then reaches both clusters' endpoints through its router.
 */
describe('kube controller: Cilium global-service annotations without a ServiceExport', () => {
  let set: KubeClusterset;
  const children: ChildProcess[] = [];
  const path = objectPath(Resources.services, 'rebel-base', 'default');

  /** Where `cluster`'s global slice sends the ordinary Service's traffic (the router), once it exists. */
  const globalTarget = (cluster: string): Promise<{ host: string; port: number }> =>
    set.waitFor(`global slice in ${cluster}`, async () => {
      const slice = await set
        .rest(cluster)
        .get<EndpointSlice>(
          objectPath(Resources.endpointSlices, globalSliceName('rebel-base'), 'default'),
        );
      const host = slice?.endpoints?.[0]?.addresses[0];
      const port = slice?.ports?.[0]?.port;
      return host === undefined || port === undefined ? undefined : { host, port };
    });

  /** `count` requests through the router's end of the global slice, as answers counted by text. */
  async function distribution(
    target: { host: string; port: number },
    count = 20,
  ): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const answer = (await readAll(target)).trim();
      out[answer] = (out[answer] ?? 0) + 1;
    }
    return out;
  }

  before(async () => {
    set = await KubeClusterset.create(['east', 'west']);
    await Promise.all(['east', 'west'].map((c) => set.startController(c)));
    for (const [i, cluster] of ['east', 'west'].entries()) {
      const backend = await startLabNameServer(
        set.lab,
        `${cluster} base`,
        `${set.lab.prefix}.30.${i + 1}`,
      );
      children.push(backend.child);
      await set.service(
        cluster,
        'default',
        'rebel-base',
        [{ port: 80 }],
        {},
        { 'io.cilium/global-service': 'true' },
      );
      await set.endpointSlice(cluster, 'default', 'rebel-base', { port: backend.port }, [
        { address: backend.host },
      ]);
    }
  });

  after(async () => {
    await set?.close();
    for (const c of children) c.kill();
  });

  it('is global in both clusters with no ServiceExport: answers come from both', async () => {
    const target = await globalTarget('east');
    const seen = await set.waitFor('answers from both clusters', async () => {
      const d = await distribution(target).catch(() => undefined);
      return d !== undefined && (d['east base'] ?? 0) > 0 && (d['west base'] ?? 0) > 0
        ? d
        : undefined;
    });
    console.log(`# through east's router, affinity none: ${JSON.stringify(seen)}`);
    await globalTarget('west');
    for (const cluster of ['east', 'west'])
      assert.equal(
        await set.rest(cluster).get(objectPath(serviceExports('v1beta1'), 'rebel-base', 'default')),
        undefined,
        'no ServiceExport was created',
      );
  });

  it("io.cilium/service-affinity=remote on east: east's router sends all 20 to west", async () => {
    await set
      .rest('east')
      .mergePatch(path, { metadata: { annotations: { 'io.cilium/service-affinity': 'remote' } } });
    const target = await globalTarget('east');
    const seen = await set.waitFor('all 20 answered by west', async () => {
      const d = await distribution(target).catch(() => undefined);
      return d?.['west base'] === 20 ? d : undefined;
    });
    console.log(`# through east's router, affinity remote: ${JSON.stringify(seen)}`);
  });

  it('io.cilium/shared-service=false on west: west stops exporting, so east has no remote endpoint to add', async () => {
    await set
      .rest('west')
      .mergePatch(path, { metadata: { annotations: { 'io.cilium/shared-service': 'false' } } });
    await set.waitFor("east's global slice removed", async () =>
      (await set
        .rest('east')
        .get(objectPath(Resources.endpointSlices, globalSliceName('rebel-base'), 'default'))) ===
      undefined
        ? true
        : undefined,
    );
    // West still reaches east: not shared means its own endpoints stay home, not that it stops being global.
    assert.equal((await readAll(await globalTarget('west'))).trim(), 'east base');
  });
});
