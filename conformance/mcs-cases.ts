import assert from 'node:assert/strict';
import { helloService, type McsCaseDriver } from './mcs-case-driver.js';
import { eventually, isIpAddress, type McsObject, type McsPort } from './mcs-clusters.js';

/** One rule of KEP-1645 checked against live clusters; `needs` names what a run here lacks. */
export interface McsCase {
  id: string;
  title: string;
  /** As the MCS conformance rules grade it. */
  requirement: 'Required' | 'Optional';
  clusters: 1 | 2;
  /** Set when the rule cannot be checked here at all (what a run here lacks). */
  needs?: string;
  /** Needs running Pods: backends and a client Pod per cluster (self-hosted runs have them). */
  pods?: true;
  run?(driver: McsCaseDriver): Promise<void>;
}

/** Why a case with `pods` is skipped against clusters this run did not start. */
export const runningPodsNeed =
  'running Pods to send traffic from and to (a self-hosted run starts lab Pods with a real kube-proxy)';
/**
 * The upstream check compares the answers with the exporting cluster's Pod IPs, which assumes one
 * flat network. Causeway answers each endpoint with an address of the importing cluster's own
 * (pod CIDRs may overlap, and remote Pod IPs are often unroutable), so it would fail by design.
 */
const headlessDeviation =
  "a flat pod network: it expects the exporting cluster's Pod IPs, while Causeway answers every endpoint with an address of the asking cluster (a deliberate difference: pod CIDRs may overlap); per-endpoint names and SRV are covered by the headless integration tests";

/** How many requests a "never" or "only" traffic rule sends from each cluster. */
const REQUESTS = 10;

/** Sends REQUESTS requests from every cluster's client Pod and returns the answers (for "only"/"never" rules). */
async function requestsFromEveryCluster(driver: McsCaseDriver, port = 42): Promise<string[]> {
  const answers: string[] = [];
  for (const index of driver.clusters.keys())
    for (let i = 0; i < REQUESTS; i++) answers.push(await driver.request(index, port));
  return answers;
}

/** Waits until the client Pod of every cluster gets an answer from one of `backends` on `port`. */
async function awaitReachable(
  driver: McsCaseDriver,
  backends: readonly string[],
  port = 42,
): Promise<void> {
  for (const index of driver.clusters.keys()) {
    await eventually(
      `a Pod in cluster #${index + 1} reaching ${driver.clustersetName}:${port}`,
      async () => {
        const answer = await driver.request(index, port);
        assert.ok(
          backends.some((ip) => answer === `pod ip ${ip}`),
          `answer ${JSON.stringify(answer)}`,
        );
      },
    );
  }
}

/** Every answer came from one of `backends` (none was empty or from another Pod). */
function allFrom(answers: readonly string[], backends: readonly string[], what: string): void {
  const strays = answers.filter((a) => !backends.some((ip) => a === `pod ip ${ip}`));
  assert.deepEqual(
    strays,
    [],
    `${what}: ${strays.length} of ${answers.length} answers came from elsewhere`,
  );
}

/** Ports compared as the API defines them: by name, with protocol TCP by default. */
function normalized(ports: readonly McsPort[] | undefined): McsPort[] {
  return (ports ?? [])
    .map((p) => ({
      name: p.name ?? '',
      protocol: p.protocol ?? 'TCP',
      port: p.port,
      ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
    }))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

const helloPorts = normalized(helloService().spec?.ports as McsPort[]);

function hasEntries(
  actual: Record<string, string> | undefined,
  expected: Record<string, string>,
  what: string,
): void {
  for (const [key, value] of Object.entries(expected))
    assert.equal(actual?.[key], value, `${what} lacks ${key}=${value}`);
}

function lacksEntries(
  actual: Record<string, string> | undefined,
  unexpected: Record<string, string>,
  what: string,
): void {
  for (const [key, value] of Object.entries(unexpected))
    assert.notEqual(actual?.[key], value, `${what} carries ${key}=${value}`);
}

async function exportHello(
  driver: McsCaseDriver,
  spec: Parameters<typeof helloService>[0] = {},
  exportSpec: McsObject['spec'] = {},
): Promise<void> {
  await driver.deploy(0, helloService(spec));
  await driver.export(0, exportSpec);
}

/** Exports from two clusters, the second unlike the first, and waits for Conflict=True on both exports. */
async function exportInConflict(
  driver: McsCaseDriver,
  ...args: Parameters<McsCaseDriver['exportFromTwo']>
): Promise<void> {
  await driver.exportFromTwo(...args);
  await driver.awaitExportCondition(0, 'Conflict', 'True');
  await driver.awaitExportCondition(1, 'Conflict', 'True');
}

/** Export → a Valid export and an import of `type` in every cluster; unexport → no import anywhere. */
async function importLifecycle(
  driver: McsCaseDriver,
  spec: Parameters<typeof helloService>[0],
  type: string,
): Promise<void> {
  await exportHello(driver, spec);
  await driver.awaitExportCondition(0, 'Valid', 'True');
  for (const index of driver.clusters.keys())
    await driver.awaitImport(index, (si) => assert.equal(si.spec?.type, type));
  await driver.unexport(0);
  for (const index of driver.clusters.keys()) await driver.awaitNoImport(index);
}

/** Every case, in the order they run; the API-level ones first. */
export const mcsCases: readonly McsCase[] = [
  {
    id: 'clusterip-import',
    title:
      'Exporting a ClusterIP Service creates a ClusterSetIP ServiceImport in every cluster; unexporting deletes it',
    requirement: 'Required',
    clusters: 1,
    run: (driver) => importLifecycle(driver, {}, 'ClusterSetIP'),
  },
  {
    id: 'session-affinity',
    title:
      "A ClusterSetIP ServiceImport has the exported Service's session affinity and its config",
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      await driver.awaitImport(0, (si) => {
        assert.equal(si.spec?.sessionAffinity, 'ClientIP');
        assert.equal(si.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds, 10);
      });
    },
  },
  {
    id: 'traffic-policy',
    title:
      "A ServiceImport has the exported Service's internalTrafficPolicy and trafficDistribution",
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver, {
        internalTrafficPolicy: 'Cluster',
        trafficDistribution: 'PreferClose',
      });
      await driver.awaitImport(0, (si) => {
        assert.equal(si.spec?.internalTrafficPolicy, 'Cluster');
        assert.equal(si.spec?.trafficDistribution, 'PreferClose');
      });
    },
  },
  {
    id: 'clusterset-ip',
    title: 'A ClusterSetIP ServiceImport gets valid IPs, one per IP family, in family order',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      await driver.awaitImport(0, (si) => {
        const ips = si.spec?.ips ?? [];
        const families = si.spec?.ipFamilies ?? [];
        assert.ok(ips.length > 0, 'spec.ips is empty');
        for (const ip of ips) assert.ok(isIpAddress(ip), `${ip} is not an IP address`);
        assert.equal(
          ips.length,
          families.length,
          `spec.ips ${JSON.stringify(ips)} vs spec.ipFamilies ${JSON.stringify(families)}`,
        );
        ips.forEach((ip, i) =>
          assert.equal(
            ip.includes(':') ? 'IPv6' : 'IPv4',
            families[i],
            `${ip} is not of family ${families[i]}`,
          ),
        );
      });
    },
  },
  {
    id: 'ports',
    title: "A ClusterSetIP ServiceImport has the exported Service's ports",
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), helloPorts));
    },
  },
  {
    id: 'headless-import',
    title:
      'Exporting a headless Service creates a Headless ServiceImport in every cluster; unexporting deletes it',
    requirement: 'Required',
    clusters: 1,
    run: (driver) => importLifecycle(driver, { clusterIP: 'None' }, 'Headless'),
  },
  {
    id: 'headless-no-ip',
    title: 'A Headless ServiceImport gets no clusterset IP',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver, { clusterIP: 'None' });
      await driver.awaitImport(0);
      for (let probe = 0; probe < 5; probe++) {
        const si = await driver.cluster(0).getImport(driver.namespace, 'hello');
        assert.deepEqual(si?.spec?.ips ?? [], [], 'spec.ips of a Headless ServiceImport');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
  },
  {
    id: 'externalname-invalid',
    title: 'Exporting an ExternalName Service sets Valid=False and imports nothing',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver, {
        type: 'ExternalName',
        externalName: 'example.com',
        sessionAffinity: 'None',
        sessionAffinityConfig: undefined,
        selector: undefined,
      });
      await driver.awaitExportCondition(0, 'Valid', 'False');
      await driver.ensureNoImport(0, 'for an ExternalName Service');
    },
  },
  {
    id: 'import-lifetime',
    title: 'A ServiceImport exists as long as at least one cluster exports the Service',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      await driver.exportFromTwo(helloService());
      await driver.ensureImport(0, 'after a second cluster exported too');
      await driver.unexport(0);
      await driver.ensureImport(0, 'while the second cluster still exports');
      await driver.unexport(1);
      await driver.awaitNoImport(0);
    },
  },
  {
    id: 'ports-union',
    title:
      'Exported from two clusters with different ports: the ServiceImport has the union, and both exports a Conflict',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      const second = helloService({
        ports: [
          { name: 'tcp', port: 42, protocol: 'TCP' },
          { name: 'stcp', port: 142, protocol: 'SCTP' },
        ],
      });
      await exportInConflict(driver, second);
      const union = normalized([...helloPorts, { name: 'stcp', port: 142, protocol: 'SCTP' }]);
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), union));
    },
  },
  {
    id: 'port-conflict',
    title:
      'One port name with different numbers: the oldest export wins, and both exports report a Conflict',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      await exportInConflict(
        driver,
        helloService({ ports: [{ name: 'tcp', port: 43, protocol: 'TCP' }] }),
      );
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), helloPorts));
    },
  },
  {
    id: 'type-conflict',
    title:
      'ClusterIP in the oldest export, headless in the next: Conflict on both, the import stays ClusterSetIP',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      await exportInConflict(driver, helloService({ clusterIP: 'None' }));
      for (const index of driver.clusters.keys())
        await driver.awaitImport(index, (si) => assert.equal(si.spec?.type, 'ClusterSetIP'));
    },
  },
  {
    id: 'exported-labels',
    title:
      'Only the labels and annotations a ServiceExport lists as exported reach the ServiceImport',
    requirement: 'Optional',
    clusters: 1,
    run: async (driver) => {
      const exported = {
        exportedLabels: { 'dummy-label': 'true' },
        exportedAnnotations: { 'dummy-annotation': 'true' },
      };
      await exportHello(driver, {}, exported);
      const service = helloService().metadata;
      await driver.awaitImport(0, (si) => {
        hasEntries(si.metadata?.labels, exported.exportedLabels, 'ServiceImport labels');
        hasEntries(
          si.metadata?.annotations,
          exported.exportedAnnotations,
          'ServiceImport annotations',
        );
        lacksEntries(si.metadata?.labels, service?.labels ?? {}, 'ServiceImport labels');
        lacksEntries(
          si.metadata?.annotations,
          service?.annotations ?? {},
          'ServiceImport annotations',
        );
      });
    },
  },
  {
    id: 'exported-labels-conflict',
    title:
      "Different exported labels in two clusters: the oldest export's win, and both exports report a Conflict",
    requirement: 'Optional',
    clusters: 2,
    run: async (driver) => {
      const first = {
        exportedLabels: { 'dummy-label': 'true' },
        exportedAnnotations: { 'dummy-annotation': 'true' },
      };
      const second = {
        exportedLabels: { 'dummy-label2': 'true' },
        exportedAnnotations: { 'dummy-annotation2': 'true' },
      };
      await exportInConflict(driver, helloService(), first, second);
      await driver.awaitImport(0, (si) => {
        hasEntries(si.metadata?.labels, first.exportedLabels, 'ServiceImport labels');
        lacksEntries(si.metadata?.labels, second.exportedLabels, 'ServiceImport labels');
        hasEntries(
          si.metadata?.annotations,
          first.exportedAnnotations,
          'ServiceImport annotations',
        );
        lacksEntries(
          si.metadata?.annotations,
          second.exportedAnnotations,
          'ServiceImport annotations',
        );
      });
    },
  },
  {
    id: 'endpointslices',
    title:
      'MCS EndpointSlices carry service-name, source-cluster and managed-by labels and go with the export',
    requirement: 'Optional',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      const found = [];
      for (const [index, cluster] of driver.clusters.entries()) {
        const slice = await eventually(
          `an MCS EndpointSlice in cluster #${index + 1}`,
          async () => {
            const mcs = (await cluster.endpointSlices(driver.namespace)).find(
              (s) =>
                s.metadata?.labels?.['multicluster.kubernetes.io/service-name'] !== undefined ||
                s.metadata?.labels?.['multicluster.kubernetes.io/source-cluster'] !== undefined,
            );
            assert.ok(mcs !== undefined, 'none has a multicluster.kubernetes.io label');
            return mcs;
          },
        );
        const labels = slice.metadata?.labels ?? {};
        assert.equal(
          labels['multicluster.kubernetes.io/service-name'],
          'hello',
          'service-name label',
        );
        assert.ok(
          labels['multicluster.kubernetes.io/source-cluster'] !== undefined,
          'source-cluster label',
        );
        assert.ok(
          labels['endpointslice.kubernetes.io/managed-by'] !== undefined,
          'managed-by label',
        );
        assert.notEqual(
          labels['endpointslice.kubernetes.io/managed-by'],
          'endpointslice-controller.k8s.io',
          'managed-by names the MCS controller',
        );
        found.push({ cluster, name: slice.metadata?.name ?? '' });
      }
      await driver.unexport(0);
      for (const { cluster, name } of found) {
        await eventually(`EndpointSlice ${name} deleted from ${cluster.name}`, async () => {
          assert.equal(
            (await cluster.endpointSlices(driver.namespace)).some((s) => s.metadata?.name === name),
            false,
            'it still exists',
          );
        });
      }
    },
  },
  {
    id: 'unexported-unreachable',
    title: 'A Service that is not exported cannot be reached through clusterset.local',
    requirement: 'Required',
    clusters: 1,
    pods: true,
    run: async (driver) => {
      await driver.deploy(0);
      await driver.deployBackends(0);
      const answers = await requestsFromEveryCluster(driver);
      assert.deepEqual(
        answers.filter((a) => a.includes('pod ip')),
        [],
        'a Pod answered through the clusterset name',
      );
    },
  },
  {
    id: 'clusterip-reachable',
    title: 'An exported ClusterIP Service is reachable through its clusterset.local name',
    requirement: 'Optional',
    clusters: 1,
    pods: true,
    run: async (driver) => {
      await driver.deploy(0);
      const backends = await driver.deployBackends(0);
      await driver.export(0);
      await awaitReachable(driver, backends);
    },
  },
  {
    id: 'only-exporters-reached',
    title: 'A Service present in two clusters but exported from one reaches only the exporter',
    requirement: 'Optional',
    clusters: 2,
    pods: true,
    run: async (driver) => {
      await driver.deploy(0);
      await driver.deploy(1);
      const exporters = await driver.deployBackends(0);
      await driver.deployBackends(1);
      await driver.export(0);
      await awaitReachable(driver, exporters);
      allFrom(await requestsFromEveryCluster(driver), exporters, 'requests to the clusterset name');
    },
  },
  {
    id: 'strict-port-conflict',
    title: 'Conflicting ports: traffic to a port reaches only the clusters that expose it',
    requirement: 'Optional',
    clusters: 2,
    pods: true,
    run: async (driver) => {
      const second = helloService({
        ports: [
          { name: 'tcp', port: 42, protocol: 'TCP' },
          { name: 'extra', port: 43, protocol: 'TCP' },
        ],
      });
      const first = await driver.deployBackends(0);
      const exposing = await driver.deployBackends(1, second);
      await driver.exportFromTwo(second);
      await driver.awaitExportCondition(1, 'Conflict', 'True');
      await awaitReachable(driver, exposing, 43);
      allFrom(
        await requestsFromEveryCluster(driver, 43),
        exposing,
        'requests to port 43, which only the second cluster exposes',
      );
      await awaitReachable(driver, [...first, ...exposing], 42);
    },
  },
  {
    id: 'clusterip-dns',
    title: 'clusterset.local A and SRV answers of a ClusterSetIP Service; cluster.local unchanged',
    requirement: 'Optional',
    clusters: 1,
    pods: true,
    run: async (driver) => {
      await exportHello(driver);
      const name = driver.clustersetName;
      for (const index of driver.clusters.keys()) {
        const si = await driver.awaitImport(index, (s) =>
          assert.ok((s.spec?.ips ?? []).length > 0, 'no clusterset IP yet'),
        );
        const ip = si.spec?.ips?.[0] ?? '';
        await eventually(`A ${name} from a Pod of cluster #${index + 1}`, async () =>
          assert.ok(
            (await driver.lookup(index, name, 'A')).includes(ip),
            `answers lack the clusterset IP ${ip}`,
          ),
        );
        const srv = await eventually(
          `SRV ${name} from a Pod of cluster #${index + 1}`,
          async () => {
            const answers = await driver.lookup(index, name, 'SRV');
            assert.ok(answers.length > 0, 'no SRV answer');
            return answers;
          },
        );
        // `priority weight port target`: one record, at the first port, naming the service.
        assert.deepEqual(
          srv.map((line) => line.split(/\s+/).slice(2).join(' ')),
          [`42 ${name}.`],
        );
      }
      const local = await driver
        .cluster(0)
        .core.readNamespacedService({ name: 'hello', namespace: driver.namespace });
      const clusterIp = local.spec?.clusterIP ?? '';
      await eventually('A hello.<ns>.svc.cluster.local in cluster #1', async () => {
        assert.deepEqual(
          await driver.lookup(0, `hello.${driver.namespace}.svc.cluster.local`, 'A'),
          [clusterIp],
        );
      });
    },
  },
  {
    id: 'headless-dns',
    title:
      'clusterset.local answers of a headless Service: all ready endpoints, per-endpoint names, SRV',
    requirement: 'Optional',
    clusters: 1,
    needs: headlessDeviation,
  },
];
