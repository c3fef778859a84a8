import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ServiceView } from '../../api/index.js';
import { derivedServiceName, importSliceName } from './derived-names.js';
import { desiredGlobalSlice } from './global-slice.js';
import {
  desiredDerivedService,
  desiredImportSlices,
  desiredServiceImport,
  upToDate,
} from './import-objects.js';

const view = (over: Partial<ServiceView> = {}): ServiceView => ({
  name: 'web',
  namespace: 'shop',
  type: 'ClusterSetIP',
  ports: [{ name: 'tcp-80', port: 80, protocol: 'TCP' }],
  sites: ['east'],
  winnerSite: 'east',
  importedHere: true,
  vip: '10.77.64.5',
  importListeners: [],
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
  controller: true,
};

describe('derived names', () => {
  it('are stable DNS labels, distinct per service', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        (ns, name) => {
          const derived = derivedServiceName(ns, name);
          assert.match(derived, /^derived-[0-9a-v]{10}$/);
          assert.equal(derived, derivedServiceName(ns, name));
          assert.match(importSliceName(derived, 'east'), /^[a-z0-9-]{1,63}$/);
        },
      ),
    );
    assert.notEqual(derivedServiceName('shop', 'web'), derivedServiceName('web', 'shop'));
  });
});

describe('import objects', () => {
  it('ClusterSetIP: ServiceImport with the derived ClusterIP, a Service owned by it, one slice at the router VIP', () => {
    const si = desiredServiceImport(
      view({
        internalTrafficPolicy: 'Cluster',
        trafficDistribution: 'PreferClose',
        labels: { tier: 'web' },
      }),
      names,
      'multicluster.x-k8s.io/v1beta1',
      ['10.96.0.9'],
    );
    assert.deepEqual(si.spec?.ips, ['10.96.0.9']);
    assert.equal(si.spec?.internalTrafficPolicy, 'Cluster');
    assert.equal(si.spec?.trafficDistribution, 'PreferClose');
    assert.equal(
      desiredServiceImport(view(), names, 'v', []).spec?.internalTrafficPolicy,
      undefined,
    );
    assert.equal(si.metadata.labels?.['tier'], 'web');
    assert.equal(
      si.metadata.annotations?.['multicluster.kubernetes.io/derived-service'],
      names.derivedName,
    );
    const svc = desiredDerivedService(view(), names, owner);
    assert.equal(svc.metadata.ownerReferences?.[0]?.uid, 'u1');
    assert.equal(svc.spec?.clusterIP, undefined);
    const slices = desiredImportSlices(view(), names, owner);
    assert.equal(slices.length, 1);
    assert.deepEqual(slices[0]?.endpoints?.[0]?.addresses, ['10.77.64.5']);
    assert.equal(slices[0]?.metadata.labels?.['kubernetes.io/service-name'], names.derivedName);
    assert.equal(slices[0]?.metadata.labels?.['multicluster.kubernetes.io/source-cluster'], 'west');
    assert.equal(slices[0]?.ports?.[0]?.name, 'tcp-80');
  });

  it('with an import address, the slice points at it, each port at its own listener, and the derived Service keeps the service ports', () => {
    const ports = [
      { name: 'http', port: 80, protocol: 'TCP' as const },
      { name: 'admin', port: 9000, protocol: 'TCP' as const },
    ];
    const routed = view({
      ports,
      importListeners: [
        { port: 80, listen: '10.1.0.7:20005' },
        { port: 9000, listen: '10.1.0.7:21017' },
      ],
    });
    const [slice, ...more] = desiredImportSlices(routed, names, owner);
    assert.equal(more.length, 0);
    assert.equal(slice?.addressType, 'IPv4');
    assert.deepEqual(
      slice?.endpoints?.[0]?.addresses,
      ['10.1.0.7'],
      'the router pod address, not the host-local virtual IP',
    );
    assert.deepEqual(
      slice?.ports?.map((p) => [p.name, p.port]),
      [
        ['http', 20005],
        ['admin', 21017],
      ],
      'kube-proxy maps a Service port to the slice port of the same name',
    );
    assert.deepEqual(
      desiredDerivedService(routed, names, owner).spec?.ports?.map((p) => [p.name, p.port]),
      [
        ['http', 80],
        ['admin', 9000],
      ],
    );
    assert.deepEqual(
      desiredImportSlices(view({ vip: '127.240.0.9' }), names, owner),
      [],
      'a host-local virtual IP is no address for a slice',
    );
    const v6 = desiredImportSlices(
      view({ importListeners: [{ port: 80, listen: '[fd00::7]:20005' }] }),
      names,
      owner,
    )[0];
    assert.equal(v6?.addressType, 'IPv6');
    assert.deepEqual(v6?.endpoints?.[0]?.addresses, ['fd00::7']);
  });

  it('the ServiceImport lists every port as named; the derived Service and slice the TCP and UDP ones', () => {
    const ports: ServiceView['ports'] = [
      { name: 'stcp', port: 142, protocol: 'SCTP' },
      { name: 'tcp', port: 42, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'udp', port: 42, protocol: 'UDP' },
    ];
    assert.deepEqual(
      desiredServiceImport(view({ ports }), names, 'v', ['10.96.0.9']).spec?.ports,
      ports,
    );
    const tcp = { name: 'tcp', protocol: 'TCP', port: 42, appProtocol: 'kubernetes.io/h2c' };
    const udp = { name: 'udp', protocol: 'UDP', port: 42 };
    assert.deepEqual(desiredDerivedService(view({ ports }), names, owner).spec?.ports, [
      { ...tcp, targetPort: 42 },
      { ...udp, targetPort: 42 },
    ]);
    assert.deepEqual(desiredImportSlices(view({ ports }), names, owner)[0]?.ports, [tcp, udp]);
    // Behind an import address, TCP 42 and UDP 42 are two listeners with ports of their own.
    const behind = view({
      ports,
      importListeners: [
        { port: 42, listen: '10.1.0.7:20005' },
        { port: 42, listen: '10.1.0.7:20006', protocol: 'UDP' },
      ],
    });
    assert.deepEqual(desiredImportSlices(behind, names, owner)[0]?.ports, [
      { ...tcp, port: 20005 },
      { ...udp, port: 20006 },
    ]);
  });

  it('an unnamed port stays unnamed, unless the derived Service has several ports (then it is tcp-<port> or udp-<port>)', () => {
    const alone = view({
      ports: [
        { port: 80, protocol: 'TCP' },
        { name: 'sig', port: 2905, protocol: 'SCTP' },
      ],
    });
    assert.deepEqual(desiredDerivedService(alone, names, owner).spec?.ports, [
      { protocol: 'TCP', port: 80, targetPort: 80 },
    ]);
    const dns = view({
      ports: [
        { port: 53, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    });
    assert.deepEqual(
      desiredDerivedService(dns, names, owner).spec?.ports?.map((p) => p.name),
      ['tcp-53', 'udp-53'],
    );
    const several = view({
      ports: [
        { port: 80, protocol: 'TCP' },
        { name: 'api', port: 81, protocol: 'TCP' },
      ],
    });
    assert.deepEqual(
      desiredServiceImport(several, names, 'v', []).spec?.ports.map((p) => p.name ?? null),
      [null, 'api'],
    );
    assert.deepEqual(
      desiredDerivedService(several, names, owner).spec?.ports?.map((p) => p.name),
      ['tcp-80', 'api'],
    );
    assert.deepEqual(
      desiredImportSlices(several, names, owner)[0]?.ports?.map((p) => p.name),
      ['tcp-80', 'api'],
    );
  });

  it('Headless: no ips, clusterIP None, one slice per source cluster with hostnames', () => {
    const headless = view({
      type: 'Headless',
      vip: null,
      sites: ['east', 'north'],
      endpoints: [
        { site: 'east', hostname: 'cass-0', vip: '10.77.64.7' },
        { site: 'north', hostname: 'cass-0', vip: '10.77.64.8' },
        { site: 'north', hostname: 'cass-1', vip: null },
      ],
    });
    assert.deepEqual(desiredServiceImport(headless, names, 'v', ['10.96.0.9']).spec?.ips, []);
    assert.equal(desiredDerivedService(headless, names, owner).spec?.clusterIP, 'None');
    const slices = desiredImportSlices(headless, names, owner);
    assert.deepEqual(
      slices.map((s) => [
        s.metadata.labels?.['multicluster.kubernetes.io/source-cluster'],
        s.endpoints?.map((e) => e.hostname),
      ]),
      [
        ['east', ['cass-0']],
        ['north', ['cass-0']],
      ],
    );
  });

  it('hash annotations tell an unchanged object from a changed one', () => {
    const a = desiredDerivedService(view(), names, owner);
    assert.ok(upToDate(a, desiredDerivedService(view(), names, owner)));
    assert.ok(
      !upToDate(
        a,
        desiredDerivedService(
          view({ ports: [{ name: 'tcp-81', port: 81, protocol: 'TCP' }] }),
          names,
          owner,
        ),
      ),
    );
  });

  it('global slice: only for global services exported by another cluster, on the ordinary Service, matching ports', () => {
    const ordinary = {
      metadata: { name: 'web', namespace: 'shop', uid: 's1' },
      spec: {
        ports: [
          { name: 'http', port: 80 },
          { name: 'other', port: 90 },
        ],
      },
    };
    const global = view({ annotations: { 'causeway.io/global': 'true' } });
    const slice = desiredGlobalSlice(global, ordinary, 'west');
    assert.deepEqual(
      slice?.ports?.map((p) => [p.name, p.port]),
      [['http', 80]],
    );
    assert.equal(slice?.metadata.labels?.['kubernetes.io/service-name'], 'web');
    assert.equal(
      desiredGlobalSlice(global, ordinary, 'east'),
      undefined,
      'the only exporter does not point its own Service at itself',
    );
    assert.equal(desiredGlobalSlice(view(), ordinary, 'west'), undefined);
    assert.equal(desiredGlobalSlice(global, undefined, 'west'), undefined);
    const routed = desiredGlobalSlice(
      { ...global, importListeners: [{ port: 80, listen: '10.1.0.7:20005' }] },
      ordinary,
      'west',
    );
    assert.deepEqual(
      routed?.endpoints?.[0]?.addresses,
      ['10.1.0.7'],
      'with an import address the ordinary Service reaches the router pod',
    );
    assert.deepEqual(
      routed?.ports?.map((p) => [p.name, p.port]),
      [['http', 20005]],
    );
    assert.equal(
      desiredGlobalSlice({ ...global, vip: '127.240.0.3' }, ordinary, 'west'),
      undefined,
      'never a loopback address',
    );
  });
});
