import assert from 'node:assert/strict';
import { helloService, type McsCaseDriver } from './mcs-case-driver.js';
import { isIpAddress, type McsObject, type McsPort } from './mcs-clusters.js';

/** One rule of KEP-1645 checked against live clusters; `needs` names what a run here lacks. */
export interface McsCase {
  id: string;
  title: string;
  /** As the MCS conformance rules grade it. */
  requirement: 'Required' | 'Optional';
  clusters: 1 | 2;
  /** Set when the rule can only be checked with Pods that run (kubelets, a DNS server in the cluster). */
  needs?: string;
  run?(driver: McsCaseDriver): Promise<void>;
}

const runningPods = 'running Pods (kubelet and container runtime) to send traffic from and to';
const clusterDns = 'running Pods and a cluster DNS server serving clusterset.local to query from inside the cluster';
const endpointSlices = 'running Pods behind the Service, whose EndpointSlices the controller manager writes';

/** Ports compared as the API defines them: by name, with protocol TCP by default. */
function normalized(ports: readonly McsPort[] | undefined): McsPort[] {
  return (ports ?? [])
    .map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }) }))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

const helloPorts = normalized(helloService().spec?.ports as McsPort[]);

function hasEntries(actual: Record<string, string> | undefined, expected: Record<string, string>, what: string): void {
  for (const [key, value] of Object.entries(expected)) assert.equal(actual?.[key], value, `${what} lacks ${key}=${value}`);
}

function lacksEntries(actual: Record<string, string> | undefined, unexpected: Record<string, string>, what: string): void {
  for (const [key, value] of Object.entries(unexpected)) assert.notEqual(actual?.[key], value, `${what} carries ${key}=${value}`);
}

async function exportHello(driver: McsCaseDriver, spec: Partial<NonNullable<ReturnType<typeof helloService>['spec']>> = {}, exportSpec: McsObject['spec'] = {}): Promise<void> {
  await driver.deploy(0, helloService(spec));
  await driver.export(0, exportSpec);
}

/** Every case, in the order they run; the API-level ones first. */
export const mcsCases: readonly McsCase[] = [
  {
    id: 'clusterip-import',
    title: 'Exporting a ClusterIP Service creates a ClusterSetIP ServiceImport in every cluster; unexporting deletes it',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      await driver.awaitExportCondition(0, 'Valid', 'True');
      for (const index of driver.clusters.keys()) await driver.awaitImport(index, (si) => assert.equal(si.spec?.type, 'ClusterSetIP'));
      await driver.unexport(0);
      for (const index of driver.clusters.keys()) await driver.awaitNoImport(index);
    },
  },
  {
    id: 'session-affinity',
    title: 'A ClusterSetIP ServiceImport has the exported Service\'s session affinity and its config',
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
    title: 'A ServiceImport has the exported Service\'s internalTrafficPolicy and trafficDistribution',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver, { internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose' });
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
        assert.equal(ips.length, families.length, `spec.ips ${JSON.stringify(ips)} vs spec.ipFamilies ${JSON.stringify(families)}`);
        ips.forEach((ip, i) => assert.equal(ip.includes(':') ? 'IPv6' : 'IPv4', families[i], `${ip} is not of family ${families[i]}`));
      });
    },
  },
  {
    id: 'ports',
    title: 'A ClusterSetIP ServiceImport has the exported Service\'s ports',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver);
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), helloPorts));
    },
  },
  {
    id: 'headless-import',
    title: 'Exporting a headless Service creates a Headless ServiceImport in every cluster; unexporting deletes it',
    requirement: 'Required',
    clusters: 1,
    run: async (driver) => {
      await exportHello(driver, { clusterIP: 'None' });
      for (const index of driver.clusters.keys()) await driver.awaitImport(index, (si) => assert.equal(si.spec?.type, 'Headless'));
      await driver.unexport(0);
      for (const index of driver.clusters.keys()) await driver.awaitNoImport(index);
    },
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
      await exportHello(driver, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None', sessionAffinityConfig: undefined, selector: undefined });
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
    title: 'Exported from two clusters with different ports: the ServiceImport has the union, and both exports a Conflict',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      const second = helloService({ ports: [{ name: 'tcp', port: 42, protocol: 'TCP' }, { name: 'stcp', port: 142, protocol: 'SCTP' }] });
      await driver.exportFromTwo(second);
      await driver.awaitExportCondition(0, 'Conflict', 'True');
      await driver.awaitExportCondition(1, 'Conflict', 'True');
      const union = normalized([...helloPorts, { name: 'stcp', port: 142, protocol: 'SCTP' }]);
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), union));
    },
  },
  {
    id: 'port-conflict',
    title: 'One port name with different numbers: the oldest export wins, and both exports report a Conflict',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      await driver.exportFromTwo(helloService({ ports: [{ name: 'tcp', port: 43, protocol: 'TCP' }] }));
      await driver.awaitExportCondition(0, 'Conflict', 'True');
      await driver.awaitExportCondition(1, 'Conflict', 'True');
      await driver.awaitImport(0, (si) => assert.deepEqual(normalized(si.spec?.ports), helloPorts));
    },
  },
  {
    id: 'type-conflict',
    title: 'ClusterIP in the oldest export, headless in the next: Conflict on both, the import stays ClusterSetIP',
    requirement: 'Required',
    clusters: 2,
    run: async (driver) => {
      await driver.exportFromTwo(helloService({ clusterIP: 'None' }));
      await driver.awaitExportCondition(0, 'Conflict', 'True');
      await driver.awaitExportCondition(1, 'Conflict', 'True');
      for (const index of driver.clusters.keys()) await driver.awaitImport(index, (si) => assert.equal(si.spec?.type, 'ClusterSetIP'));
    },
  },
  {
    id: 'exported-labels',
    title: 'Only the labels and annotations a ServiceExport lists as exported reach the ServiceImport',
    requirement: 'Optional',
    clusters: 1,
    run: async (driver) => {
      const exported = { exportedLabels: { 'dummy-label': 'true' }, exportedAnnotations: { 'dummy-annotation': 'true' } };
      await exportHello(driver, {}, exported);
      const service = helloService().metadata;
      await driver.awaitImport(0, (si) => {
        hasEntries(si.metadata?.labels, exported.exportedLabels, 'ServiceImport labels');
        hasEntries(si.metadata?.annotations, exported.exportedAnnotations, 'ServiceImport annotations');
        lacksEntries(si.metadata?.labels, service?.labels ?? {}, 'ServiceImport labels');
        lacksEntries(si.metadata?.annotations, service?.annotations ?? {}, 'ServiceImport annotations');
      });
    },
  },
  {
    id: 'exported-labels-conflict',
    title: 'Different exported labels in two clusters: the oldest export\'s win, and both exports report a Conflict',
    requirement: 'Optional',
    clusters: 2,
    run: async (driver) => {
      const first = { exportedLabels: { 'dummy-label': 'true' }, exportedAnnotations: { 'dummy-annotation': 'true' } };
      const second = { exportedLabels: { 'dummy-label2': 'true' }, exportedAnnotations: { 'dummy-annotation2': 'true' } };
      await driver.exportFromTwo(helloService(), first, second);
      await driver.awaitExportCondition(0, 'Conflict', 'True');
      await driver.awaitExportCondition(1, 'Conflict', 'True');
      await driver.awaitImport(0, (si) => {
        hasEntries(si.metadata?.labels, first.exportedLabels, 'ServiceImport labels');
        lacksEntries(si.metadata?.labels, second.exportedLabels, 'ServiceImport labels');
        hasEntries(si.metadata?.annotations, first.exportedAnnotations, 'ServiceImport annotations');
        lacksEntries(si.metadata?.annotations, second.exportedAnnotations, 'ServiceImport annotations');
      });
    },
  },
  { id: 'endpointslices', title: 'MCS EndpointSlices carry service-name, source-cluster and managed-by labels and go with the export', requirement: 'Optional', clusters: 1, needs: endpointSlices },
  { id: 'unexported-unreachable', title: 'A Service that is not exported cannot be reached through clusterset.local', requirement: 'Required', clusters: 1, needs: runningPods },
  { id: 'clusterip-reachable', title: 'An exported ClusterIP Service is reachable through its clusterset.local name', requirement: 'Optional', clusters: 1, needs: runningPods },
  { id: 'only-exporters-reached', title: 'A Service present in two clusters but exported from one reaches only the exporter', requirement: 'Optional', clusters: 2, needs: runningPods },
  { id: 'strict-port-conflict', title: 'Conflicting ports: traffic to a port reaches only the clusters that expose it', requirement: 'Optional', clusters: 2, needs: runningPods },
  { id: 'clusterip-dns', title: 'clusterset.local A/AAAA and SRV answers of a ClusterSetIP Service; cluster.local unchanged', requirement: 'Optional', clusters: 1, needs: clusterDns },
  { id: 'headless-dns', title: 'clusterset.local answers of a headless Service: all ready endpoints, per-endpoint names, SRV', requirement: 'Optional', clusters: 1, needs: clusterDns },
];
