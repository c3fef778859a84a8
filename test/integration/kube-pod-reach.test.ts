import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Resources,
  collectionPath,
  derivedServiceName,
  derivedSiteServiceName,
  objectPath,
  type EndpointSlice,
  type Service,
} from '../../src/kube/index.js';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { KubeLabPod } from '../support/kube-lab-pod.js';
import { netnsSkip } from '../lab/netns-skip.js';

/**
 * A pod's view: the importing cluster's router serves imports on its own (pod) address, a port
 * each; the controller points the derived Service's EndpointSlice there and puts the Service's
 * ClusterIP into the router's DNS answers; a real kube-proxy in the pod's network namespace
 * programs the ClusterIP with nftables. The pod resolves the clusterset name and connects.
 */
describe(
  'kube: a pod reaches an imported service by its clusterset name, through kube-proxy',
  { skip: netnsSkip },
  () => {
    let set: KubeClusterset;
    let pod: KubeLabPod;
    let backend: ChildProcess | undefined;
    const extra: ChildProcess[] = [];
    let routerAddress = '';

    before(async () => {
      set = await KubeClusterset.create(
        ['east', 'west'],
        ['east', 'west'],
        undefined,
        (config, prefix, i) => {
          if (i !== 1) return;
          // The west router pod's IP: imports listen there, and its DNS answers there.
          config.services.importAddress = `${prefix}.0.${i + 1}`;
          config.dns.listen = `${prefix}.0.${i + 1}:5353`;
        },
      );
      routerAddress = `${set.lab.prefix}.0.2`;
      for (const cluster of ['east', 'west']) await set.namespace(cluster, 'shop');
      await Promise.all(['east', 'west'].map((c) => set.startController(c)));
      pod = await KubeLabPod.create(set.lab);
    });

    after(async () => {
      pod?.destroySync();
      backend?.kill();
      for (const child of extra) child.kill();
      await set?.close();
    });

    const slicesIn = async (cluster: string): Promise<EndpointSlice[]> =>
      (
        await set
          .rest(cluster)
          .list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'shop'), {
            labelSelector: 'multicluster.kubernetes.io/service-name=web',
          })
      ).items;

    const digFromPod = async (name: string): Promise<string[]> =>
      (
        await pod.output('dig', [
          `@${routerAddress}`,
          '-p',
          '5353',
          name,
          'A',
          '+short',
          '+time=2',
          '+tries=2',
        ])
      )
        .split('\n')
        .filter((l) => l !== '');

    it('export in east; in west the slice points at the router pod address, DNS answers the ClusterIP, and the pod connects', async () => {
      const served = await startLabNameServer(set.lab, 'east-web', `${set.lab.prefix}.10.1`);
      backend = served.child;
      await set.service('east', 'shop', 'web', [{ name: 'http', port: 80 }]);
      await set.endpointSlice('east', 'shop', 'web', { name: 'http', port: served.port }, [
        { address: served.host },
      ]);
      await set.serviceExport('east', 'shop', 'web');

      const slice = await set.waitFor('west slice at the router pod address', async () => {
        const [s] = await slicesIn('west');
        return s?.endpoints?.[0]?.addresses[0] === routerAddress ? s : undefined;
      });
      const listenPort = slice.ports?.[0]?.port ?? 0;
      assert.equal(
        slice.ports?.[0]?.name,
        'http',
        'the slice port carries the service port name kube-proxy matches on',
      );
      assert.ok(
        listenPort >= 20_000 && listenPort <= 29_999,
        `slice port ${listenPort} from services.importPorts`,
      );
      const derived = await set
        .rest('west')
        .get<Service>(objectPath(Resources.services, derivedServiceName('shop', 'web'), 'shop'));
      const clusterIp = derived?.spec?.clusterIP ?? '';
      assert.match(clusterIp, /^10\.96\./);

      const answers = await set.waitFor('clusterset name resolves to the ClusterIP', async () => {
        const a = await digFromPod('web.shop.svc.clusterset.local');
        return a.includes(clusterIp) ? a : undefined;
      });
      assert.deepEqual(answers, [clusterIp]);

      await pod.startKubeProxy(
        set.clusters.get('west')!,
        set.rest('west'),
        join(set.fx.dir('west'), 'kube-proxy.log'),
      );
      const reply = await set.waitFor('the pod reaches east through ClusterIP:80', async () => {
        const text = await pod.read(clusterIp, 80).catch(() => undefined);
        return text?.includes('east-web') === true ? text : undefined;
      });
      assert.equal(reply.trim(), 'east-web');
    });

    it('a site-targeted name resolves to a ClusterIP of its own, and the pod reaches that site through it', async () => {
      const name = derivedSiteServiceName('shop', 'web', 'east');
      const siteService = await set.waitFor('the site-targeted Service in west', () =>
        set.rest('west').get<Service>(objectPath(Resources.services, name, 'shop')),
      );
      const clusterIp = siteService.spec?.clusterIP ?? '';
      assert.match(clusterIp, /^10\.96\./);
      const [slice] = (
        await set
          .rest('west')
          .list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'shop'), {
            labelSelector: `kubernetes.io/service-name=${name}`,
          })
      ).items;
      assert.equal(
        slice?.endpoints?.[0]?.addresses[0],
        routerAddress,
        'the site slice points at the router pod address, not a loopback virtual IP',
      );
      const answers = await set.waitFor(
        'web.shop.svc.east.causeway resolves to that ClusterIP',
        async () => {
          const a = await digFromPod('web.shop.svc.east.causeway');
          return a.includes(clusterIp) ? a : undefined;
        },
      );
      assert.deepEqual(answers, [clusterIp]);
      const reply = await set.waitFor(
        'the pod reaches east through the site-targeted ClusterIP',
        async () => {
          const text = await pod.read(clusterIp, 80).catch(() => undefined);
          return text?.includes('east-web') === true ? text : undefined;
        },
      );
      assert.equal(reply.trim(), 'east-web');
      const importSlices = await slicesIn('west');
      assert.equal(
        importSlices.length,
        1,
        "the import itself still has one slice: the site-targeted one is not labelled as the import's",
      );
    });

    it("a global service: the pod reaches the other cluster through the ordinary Service's ClusterIP", async () => {
      const served = await startLabNameServer(set.lab, 'east-api', `${set.lab.prefix}.10.2`);
      extra.push(served.child);
      const global = { 'causeway.io/global': 'true' };
      await set.service('east', 'shop', 'api', [{ name: 'http', port: 80 }], {}, global);
      await set.endpointSlice('east', 'shop', 'api', { name: 'http', port: served.port }, [
        { address: served.host },
      ]);
      await set.serviceExport('east', 'shop', 'api');
      // West runs the same Service, with no Pods of its own yet: its ordinary name reaches east.
      const local = await set.service(
        'west',
        'shop',
        'api',
        [{ name: 'http', port: 80 }],
        {},
        global,
      );
      const slice = await set.waitFor("global slice on west's ordinary Service", async () => {
        const items = (
          await set
            .rest('west')
            .list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'shop'), {
              labelSelector: 'kubernetes.io/service-name=api',
            })
        ).items;
        return items.find((s) => s.endpoints?.[0]?.addresses[0] === routerAddress);
      });
      assert.equal(slice.ports?.[0]?.name, 'http');
      const reply = await set.waitFor(
        "the pod reaches east through api's own ClusterIP",
        async () => {
          const text = await pod.read(local.spec?.clusterIP ?? '', 80).catch(() => undefined);
          return text?.includes('east-api') === true ? text : undefined;
        },
      );
      assert.equal(reply.trim(), 'east-api');
    });

    it("a StatefulSet's headless Service exported from both clusters: every member is reachable by its per-endpoint name, and SRV lists them", async () => {
      const members: Array<[cluster: string, hostname: string]> = [
        ['east', 'db-0'],
        ['east', 'db-1'],
        ['west', 'db-0'],
      ];
      for (const cluster of ['east', 'west']) {
        const own = members.filter(([c]) => c === cluster);
        const served = await Promise.all(
          own.map(([, hostname], i) =>
            startLabNameServer(
              set.lab,
              `${cluster}-${hostname}`,
              `${set.lab.prefix}.${cluster === 'east' ? 11 : 12}.${i + 1}`,
              [5432],
            ),
          ),
        );
        extra.push(...served.map((b) => b.child));
        await set.service(cluster, 'shop', 'db', [{ name: 'pg', port: 5432 }], {
          clusterIP: 'None',
        });
        await set.endpointSlice(
          cluster,
          'shop',
          'db',
          { name: 'pg', port: 5432 },
          served.map((b, i) => ({ address: b.host, hostname: own[i]?.[1] ?? '' })),
        );
        await set.serviceExport(cluster, 'shop', 'db');
      }
      const srv = await set.waitFor('SRV lists every member of both clusters', async () => {
        const out = await pod.output('dig', [
          `@${routerAddress}`,
          '-p',
          '5353',
          '_pg._tcp.db.shop.svc.clusterset.local',
          'SRV',
          '+short',
          '+time=2',
          '+tries=2',
        ]);
        const targets = out
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split(/\s+/).at(-1) ?? '')
          .sort();
        return targets.length === members.length ? targets : undefined;
      });
      assert.deepEqual(srv, [
        'db-0.east.db.shop.svc.clusterset.local.',
        'db-0.west.db.shop.svc.clusterset.local.',
        'db-1.east.db.shop.svc.clusterset.local.',
      ]);
      for (const [cluster, hostname] of members) {
        const name = `${hostname}.${cluster}.db.shop.svc.clusterset.local`;
        const [address] = await set.waitFor(`${name} resolves to a ClusterIP`, async () => {
          const a = await digFromPod(name);
          return a.length === 1 && /^10\.96\./.test(a[0] ?? '') ? a : undefined;
        });
        const reply = await set.waitFor(`the pod reaches ${name}`, async () => {
          const text = await pod.read(address ?? '', 5432).catch(() => undefined);
          return text?.trim() === `${cluster}-${hostname}` ? text : undefined;
        });
        assert.equal(reply.trim(), `${cluster}-${hostname}`, `${name} reaches exactly that member`);
      }
    });

    it("a restarted router keeps the import port, so the slice and the pod's connections stay right", async () => {
      const [before] = await slicesIn('west');
      await set.stopRouter('west');
      await set.startRouter('west');
      const port = before?.ports?.[0]?.port ?? 0;
      const text = await set.waitFor('the import port answers again after the restart', () =>
        pod.read(routerAddress, port).catch(() => undefined),
      );
      assert.equal(text.trim(), 'east-web');
      const [after] = await slicesIn('west');
      assert.deepEqual(after?.ports, before?.ports);
    });
  },
);
