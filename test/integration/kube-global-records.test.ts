// GlobalRecords and k8gb Gslbs on real API servers: the controller (`kube controller --gslb-file`)
// writes them into the GSLB file, discovers this site's address from a LoadBalancer Service or an
// Ingress, reports conditions, and a real `gslb serve` answers `dig` from that file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { parseGslbConfig, type GslbRecord } from '../../src/gslb/index.js';
import {
  collectionPath,
  objectPath,
  Resources,
  type Condition,
  type CustomResourceDefinition,
  type EndpointSlice,
  type GlobalRecord,
  type Ingress,
  type K8gbGslb,
  type KubeList,
} from '../../src/kube/index.js';
import { runCli } from '../support/cli-runner.js';
import { dig } from '../support/dig.js';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { freePort } from '../support/tcp-probes.js';

const ZONE = 'gslb.example.com';
const K8GB_CRD = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/')
      ? '../../../test/support/crds/gslbs.k8gb.io.yaml'
      : '../support/crds/gslbs.k8gb.io.yaml',
    import.meta.url,
  ),
);

describe('kube controller: GlobalRecords and k8gb Gslbs become GSLB records', () => {
  let set: KubeClusterset;
  let dir: string;
  let file: string;
  let serve: ChildProcess | undefined;
  let dns = '';

  const records = async (): Promise<GslbRecord[]> =>
    parseGslbConfig(await readFile(file, 'utf8'), file).records;
  const record = async (name: string): Promise<GslbRecord | undefined> =>
    (await records()).find((r) => r.name === name);
  const conditions = async (name: string): Promise<Record<string, Condition>> => {
    const object = await set
      .rest('east')
      .get<GlobalRecord>(objectPath(Resources.globalRecords, name, 'shop'));
    return Object.fromEntries((object?.status?.conditions ?? []).map((c) => [c.type, c]));
  };
  const globalRecord = (name: string, spec: GlobalRecord['spec']): Promise<GlobalRecord> =>
    set.create<GlobalRecord>('east', collectionPath(Resources.globalRecords, 'shop'), {
      apiVersion: 'causeway.io/v1alpha1',
      kind: 'GlobalRecord',
      metadata: { name, namespace: 'shop' },
      spec,
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-kube-gslb-'));
    file = join(dir, 'gslb.yaml');
    set = await KubeClusterset.create(['east', 'west']);
    // k8gb's CRD is in the cluster before the controller starts, as where k8gb ran before.
    await set.create(
      'east',
      collectionPath(Resources.crds),
      parse(await readFile(K8GB_CRD, 'utf8')) as CustomResourceDefinition,
    );
    const init = await runCli([
      'gslb',
      'init',
      '--file',
      file,
      '--zone',
      ZONE,
      '--ns',
      `ns1.${ZONE}=127.0.0.1`,
      '--router',
      set.fx.dir('east'),
    ]);
    assert.equal(init.code, 0, init.stderr);
    const taken = await runCli([
      'gslb',
      'set',
      'taken',
      '--file',
      file,
      '--service',
      'shop/web',
      '--target',
      'east=192.0.2.9',
    ]);
    assert.equal(taken.code, 0, taken.stderr);
    await set.startController('east', ['--gslb-file', file]);
    await set.startController('west');
    for (const cluster of ['east', 'west']) {
      await set.namespace(cluster, 'shop');
      await set.service(cluster, 'shop', 'web', [{ name: 'http', port: 80 }]);
      await set.endpointSlice(cluster, 'shop', 'web', { name: 'http', port: 8080 }, [
        { address: `${set.lab.prefix}.${cluster === 'east' ? 31 : 32}.1` },
      ]);
      await set.serviceExport(cluster, 'shop', 'web');
    }
    const port = await freePort();
    dns = `127.0.0.1:${port}`;
    serve = spawn(process.execPath, [CLI_ENTRY, 'gslb', 'serve', '--file', file, '--listen', dns], {
      stdio: 'ignore',
    });
  });

  after(async () => {
    if (serve !== undefined) await stopChild(serve);
    await set?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a GlobalRecord whose site address is a LoadBalancer Service's ingress: the record, its conditions, and dig", async () => {
    const lb = await set.service('east', 'shop', 'web-lb', [{ name: 'http', port: 80 }], {
      type: 'LoadBalancer',
    });
    // What a cloud's load-balancer controller does once the balancer is up.
    await set
      .rest('east')
      .mergePatch(`${objectPath(Resources.services, lb.metadata.name, 'shop')}/status`, {
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.80' }] } },
      });
    await globalRecord('api', {
      name: 'api',
      service: 'web',
      ttlSeconds: 2,
      strategy: { type: 'failover', holdDownSeconds: 0 },
      targets: [
        { site: 'east', from: { kind: 'Service', name: 'web-lb' } },
        { site: 'west', address: '198.51.100.10' },
      ],
    });
    const written = await set.waitFor('api in the GSLB file', () => record(`api.${ZONE}`));
    assert.deepEqual(
      {
        targets: written.targets.map((t) => `${t.site}=${t.address}`),
        ttl: written.ttl,
        source: written.source,
      },
      {
        targets: ['east=192.0.2.80', 'west=198.51.100.10'],
        ttl: 2,
        source: 'kube:GlobalRecord/shop/api',
      },
    );
    const healthy = await set.waitFor('both sites healthy', async () => {
      const c = await conditions('api');
      return c['site.causeway.io/east']?.status === 'True' &&
        c['site.causeway.io/west']?.status === 'True'
        ? c
        : undefined;
    });
    assert.equal(healthy.Accepted?.reason, 'Programmed');
    assert.equal(healthy['site.causeway.io/east']?.reason, 'ReadyEndpoints');
    const answer = await set.waitFor('gslb serve answers east', async () => {
      const a = await dig(dns, `api.${ZONE}`).catch(() => undefined);
      return a?.answers.some((l) => l.endsWith('192.0.2.80')) === true ? a : undefined;
    });
    assert.match(answer.answers[0] ?? '', /\s2\s+IN\s+A\s+192\.0\.2\.80$/);

    // east's only endpoint stops being ready: the condition says so and the answer fails over.
    const slices = await set
      .rest('east')
      .list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'shop'), {
        labelSelector: 'kubernetes.io/service-name=web',
      });
    const slice = slices.items[0]!;
    await set
      .rest('east')
      .replace(objectPath(Resources.endpointSlices, slice.metadata.name, 'shop'), {
        ...slice,
        endpoints: (slice.endpoints ?? []).map((e) => ({ ...e, conditions: { ready: false } })),
      });
    const down = await set.waitFor('east not ready', async () => {
      const c = await conditions('api');
      return c['site.causeway.io/east']?.status === 'False'
        ? c['site.causeway.io/east']
        : undefined;
    });
    assert.equal(down.reason, 'NoReadyEndpoints');
    await set.waitFor('gslb serve answers west', async () => {
      const a = await dig(dns, `api.${ZONE}`).catch(() => undefined);
      return a?.answers.some((l) => l.endsWith('198.51.100.10')) === true ? a : undefined;
    });
  });

  it('a name `gslb set` wrote, a zone of its own and an unknown service: Accepted=False with the reason, nothing written', async () => {
    await globalRecord('taken', {
      name: `taken.${ZONE}`,
      service: 'web',
      targets: [{ site: 'west', address: '198.51.100.10' }],
    });
    await globalRecord('elsewhere', {
      name: 'api.example.org',
      service: 'web',
      targets: [{ site: 'west', address: '198.51.100.10' }],
    });
    await globalRecord('nodb', {
      name: 'db',
      service: 'db',
      targets: [{ site: 'west', address: '198.51.100.10' }],
    });
    for (const [name, reason, message] of [
      ['taken', 'NameConflict', /already a record of the GSLB file/],
      ['elsewhere', 'ZoneMismatch', /outside the GSLB zone gslb\.example\.com/],
      ['nodb', 'UnknownService', /shop\/db is not exported/],
    ] as const) {
      const accepted = await set.waitFor(
        `${name} refused`,
        async () => (await conditions(name)).Accepted,
      );
      assert.equal(accepted.status, 'False', name);
      assert.equal(accepted.reason, reason, name);
      assert.match(accepted.message, message);
    }
    const taken = await record(`taken.${ZONE}`);
    assert.deepEqual(
      taken?.targets.map((t) => t.address),
      ['192.0.2.9'],
      "the file's own record is kept",
    );
    assert.equal(taken?.source, undefined);
    assert.equal(await record(`db.${ZONE}`), undefined);
  });

  it("a k8gb Gslb over an Ingress: one failover record per host, primaryGeoTag first, k8gb's status fields", async () => {
    const ingress = await set.create<Ingress>('east', collectionPath(Resources.ingresses, 'shop'), {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        rules: [
          {
            host: `app.${ZONE}`,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    await set
      .rest('east')
      .mergePatch(`${objectPath(Resources.ingresses, ingress.metadata.name, 'shop')}/status`, {
        status: { loadBalancer: { ingress: [{ ip: '192.0.2.81' }] } },
      });
    await set.create<K8gbGslb>('east', collectionPath(Resources.k8gbGslbs, 'shop'), {
      apiVersion: 'k8gb.io/v1beta1',
      kind: 'Gslb',
      metadata: {
        name: 'web',
        namespace: 'shop',
        annotations: { 'causeway.io/gslb-targets': 'west=198.51.100.11' },
      },
      spec: {
        resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' },
        strategy: { type: 'failover', primaryGeoTag: 'west', dnsTtlSeconds: 3 },
      },
    });
    const app = await set.waitFor('app in the GSLB file', () => record(`app.${ZONE}`));
    assert.deepEqual(
      {
        strategy: app.strategy,
        ttl: app.ttl,
        targets: app.targets.map((t) => `${t.site}=${t.address}`),
        source: app.source,
      },
      {
        strategy: 'failover',
        ttl: 3,
        targets: ['west=198.51.100.11', 'east=192.0.2.81'],
        source: 'kube:Gslb/shop/web',
      },
    );
    const status = await set.waitFor('k8gb status', async () => {
      const g = await set
        .rest('east')
        .get<K8gbGslb>(objectPath(Resources.k8gbGslbs, 'web', 'shop'));
      return g?.status?.['geoTag'] === undefined ? undefined : g.status;
    });
    assert.equal(status['geoTag'], 'east');
    assert.deepEqual(status['serviceHealth'], { [`app.${ZONE}`]: 'Healthy' });
    await set.waitFor('gslb serve answers west (the primary)', async () => {
      const a = await dig(dns, `app.${ZONE}`).catch(() => undefined);
      return a?.answers.some((l) => l.endsWith('198.51.100.11')) === true ? a : undefined;
    });
  });

  it('a deleted GlobalRecord leaves the GSLB file; the records of `gslb set` stay', async () => {
    await set.rest('east').remove(objectPath(Resources.globalRecords, 'api', 'shop'));
    await set.waitFor('api gone', async () =>
      (await record(`api.${ZONE}`)) === undefined ? true : undefined,
    );
    assert.ok((await record(`taken.${ZONE}`)) !== undefined);
    const list = await set
      .rest('east')
      .list<GlobalRecord>(collectionPath(Resources.globalRecords, 'shop'));
    assert.deepEqual(list.items.map((o) => o.metadata.name).sort(), ['elsewhere', 'nodb', 'taken']);
    void (list satisfies KubeList<GlobalRecord>);
  });
});
