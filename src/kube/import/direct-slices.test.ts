import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirectView, ServiceView } from '../../api/index.js';
import { derivedServiceName } from './derived-names.js';
import { desiredImportSlices } from './import-objects.js';

const view = (over: Partial<ServiceView> = {}): ServiceView => ({
  name: 'web',
  namespace: 'shop',
  type: 'ClusterSetIP',
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  sites: ['east', 'south'],
  winnerSite: 'east',
  importedHere: true,
  vip: '10.77.64.5',
  importListeners: [{ port: 80, listen: '10.2.0.7:20005' }],
  dnsName: 'web.shop.svc.clusterset.local',
  sessionAffinity: 'None',
  sessionAffinityTimeoutSeconds: null,
  internalTrafficPolicy: null,
  trafficDistribution: null,
  ipFamilies: ['IPv4'],
  labels: {},
  annotations: {},
  endpoints: [],
  conditions: {},
  ...over,
});
const names = {
  namespace: 'shop',
  name: 'web',
  derivedName: derivedServiceName('shop', 'web'),
  clusterId: 'west',
};
const owner = {
  apiVersion: 'multicluster.x-k8s.io/v1beta1',
  kind: 'ServiceImport',
  name: 'web',
  uid: 'u1',
};
const pod = (address: string, more: Partial<DirectView> = {}): DirectView => ({
  site: 'east',
  address,
  zone: 'east-1a',
  ready: true,
  serving: true,
  ports: [{ port: 80, targetPort: 8080 }],
  ...more,
});

describe('import slices with direct paths', () => {
  it('mixed: the router slice for the island site, one slice of remote Pods for the flat site', () => {
    const slices = desiredImportSlices(
      view({ direct: [pod('10.1.0.5'), pod('10.1.0.6', { ready: false, zone: 'east-1b' })] }),
      names,
      owner,
    );
    assert.equal(slices.length, 2);
    const [router, direct] = slices;
    assert.deepEqual(router?.endpoints?.[0]?.addresses, ['10.2.0.7']);
    assert.equal(router?.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], 'west');
    assert.equal(direct?.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], 'east');
    assert.equal(direct?.metadata.labels?.['kubernetes.io/service-name'], names.derivedName);
    assert.deepEqual(
      direct?.ports,
      [{ name: 'http', protocol: 'TCP', port: 8080 }],
      'the Pod port, under the Service port name',
    );
    assert.deepEqual(direct?.endpoints, [
      {
        addresses: ['10.1.0.5'],
        conditions: { ready: true, serving: true, terminating: false },
        zone: 'east-1a',
        hints: { forZones: [{ name: 'east-1a' }] },
      },
      {
        addresses: ['10.1.0.6'],
        conditions: { ready: false, serving: true, terminating: false },
        zone: 'east-1b',
        hints: { forZones: [{ name: 'east-1b' }] },
      },
    ]);
  });

  it('every site direct: no router slice at all, and Pods with another port mapping get a slice of their own', () => {
    const slices = desiredImportSlices(
      view({
        sites: ['east'],
        direct: [pod('10.1.0.5'), pod('10.1.0.9', { ports: [{ port: 80, targetPort: 9090 }] })],
      }),
      names,
      owner,
    );
    assert.deepEqual(
      slices.map((s) => s.ports?.[0]?.port),
      [8080, 9090],
    );
    assert.notEqual(slices[0]?.metadata.name, slices[1]?.metadata.name);
  });

  it('headless: a flat site lists its Pods with their hostnames, an island site its per-endpoint addresses', () => {
    const slices = desiredImportSlices(
      view({
        type: 'Headless',
        endpoints: [
          { site: 'east', hostname: 'db-0', vip: '10.77.0.9' },
          { site: 'south', hostname: 'db-0', vip: '10.77.0.10' },
        ],
        direct: [pod('10.1.0.7', { hostname: 'db-0', ports: [{ port: 80, targetPort: 5432 }] })],
      }),
      names,
      owner,
      (site) => (site === 'south' ? '10.96.5.5' : undefined),
    );
    const bySource = Object.fromEntries(
      slices.map((s) => [s.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], s]),
    );
    assert.deepEqual(bySource['south']?.endpoints?.[0]?.addresses, ['10.96.5.5']);
    assert.deepEqual(bySource['east']?.endpoints?.[0]?.addresses, ['10.1.0.7']);
    assert.equal(bySource['east']?.endpoints?.[0]?.hostname, 'db-0');
  });
});
