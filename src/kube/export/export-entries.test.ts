import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Service, ServiceExport } from '../client/kube-objects.js';
import { exportConditions, sameConditions, stampConditions } from './export-conditions.js';
import { planExport } from './export-entries.js';
import { globalSettingsOf } from './global-annotations.js';

const exp: ServiceExport = {
  metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2026-01-02T03:04:05Z' },
};
const service = (spec: Service['spec'], annotations?: Record<string, string>): Service => ({
  metadata: {
    name: 'web',
    namespace: 'shop',
    ...(annotations === undefined ? {} : { annotations }),
  },
  spec,
});
const slice = (
  endpoints: EndpointSlice['endpoints'],
  port = 8080,
  name = 'http',
): EndpointSlice => ({
  metadata: { name: 'web-1', namespace: 'shop' },
  addressType: 'IPv4',
  endpoints,
  ports: [{ name, port, protocol: 'TCP' }],
});

describe('planExport: Service + EndpointSlices → export entries', () => {
  it('one entry per TCP port and endpoint address, with readiness and zone (a UDP port without endpoints: one not-ready entry)', () => {
    const plan = planExport(
      exp,
      service({
        ports: [
          { name: 'http', port: 80 },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
      }),
      [
        slice([
          { addresses: ['10.0.0.1'], conditions: { ready: true }, zone: 'z1' },
          {
            addresses: ['10.0.0.2'],
            conditions: { ready: false },
            deprecatedTopology: { 'topology.kubernetes.io/zone': 'z2' },
          },
          { addresses: ['10.0.0.3'] },
        ]),
      ],
    );
    assert.equal(plan.valid.status, 'True');
    assert.deepEqual(
      plan.entries.map((e) => [e.port, e.to, e.ready ?? true, e.zone ?? null]),
      [
        [80, '10.0.0.1:8080', true, 'z1'],
        [80, '10.0.0.2:8080', false, 'z2'],
        [80, '10.0.0.3:8080', true, null],
        [53, '0.0.0.0:53', false, null],
      ],
    );
    assert.ok(
      plan.entries.every(
        (e) => e.health.type === 'none' && e.exportedAt === Date.parse('2026-01-02T03:04:05Z'),
      ),
    );
  });

  it('entries keep the Service port name (empty when unnamed) and appProtocol, but not a TCP appProtocol http', () => {
    const ports: NonNullable<Service['spec']>['ports'] = [
      { name: 'web', port: 80, appProtocol: 'kubernetes.io/h2c' },
      { name: 'plain', port: 81, appProtocol: 'http' },
    ];
    const named = planExport(exp, service({ ports }), []);
    assert.deepEqual(
      named.entries.map((e) => [e.port, e.portName, e.appProtocol ?? null]),
      [
        [80, 'web', 'kubernetes.io/h2c'],
        [81, 'plain', null],
      ],
    );
    assert.ok(named.entries.every((e) => e.protocol === 'TCP'));
    const unnamed = planExport(exp, service({ ports: [{ port: 80 }] }), []);
    assert.equal(unnamed.entries[0]?.portName, '');
  });

  it('UDP ports are carried as entries of their own; SCTP ports are listed and named in the Valid message; no TCP or UDP port is UnsupportedProtocol', () => {
    const ports: NonNullable<Service['spec']>['ports'] = [
      { name: 'tcp', port: 42, protocol: 'TCP' },
      { name: 'udp', port: 42, protocol: 'UDP' },
      { name: 'stcp', port: 142, protocol: 'SCTP', appProtocol: 'diameter' },
    ];
    const udpSlice: EndpointSlice = {
      ...slice([{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }], 42, 'udp'),
      ports: [{ name: 'udp', port: 42, protocol: 'UDP' }],
    };
    const plan = planExport(exp, service({ ports }), [
      slice([{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }], 42, 'tcp'),
      udpSlice,
    ]);
    assert.deepEqual(
      plan.entries.map((e) => [e.port, e.protocol, e.portName, e.to]),
      [
        [42, 'TCP', 'tcp', '10.0.0.1:42'],
        [42, 'TCP', 'tcp', '10.0.0.2:42'],
        [42, 'UDP', 'udp', '10.0.0.1:42'],
        [42, 'UDP', 'udp', '10.0.0.2:42'],
      ],
    );
    for (const e of plan.entries)
      assert.deepEqual(e.uncarriedPorts, [
        { name: 'stcp', port: 142, protocol: 'SCTP', appProtocol: 'diameter' },
      ]);
    assert.equal(plan.valid.status, 'True');
    assert.match(
      plan.valid.message,
      /142\/SCTP is listed in the ServiceImport but not carried: Causeway carries TCP and UDP\.$/,
    );
    assert.doesNotMatch(plan.valid.message, /UDP is|42\/UDP/, 'UDP ports are not called uncarried');
    const many = Array.from({ length: 300 }, (_, i) => ({
      name: `s${i}`,
      port: 1_000 + i,
      protocol: 'SCTP' as const,
    }));
    assert.equal(
      planExport(exp, service({ ports: [...ports, ...many] }), []).entries[0]?.uncarriedPorts
        ?.length,
      254,
      'an advert lists at most 256 ports',
    );
    const udpOnly = planExport(
      exp,
      service({ ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
      [],
    );
    assert.deepEqual(
      [udpOnly.valid.status, udpOnly.entries.map((e) => e.protocol)],
      ['True', ['UDP']],
    );
    const sctpOnly = planExport(
      exp,
      service({ ports: [{ name: 'sig', port: 2905, protocol: 'SCTP' }] }),
      [],
    );
    assert.deepEqual(
      [sctpOnly.valid.status, sctpOnly.valid.reason, sctpOnly.entries.length],
      ['False', 'UnsupportedProtocol', 0],
    );
  });

  it('headless: each endpoint keeps its hostname, or gets one from its address', () => {
    const plan = planExport(
      exp,
      service({ clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
      [slice([{ addresses: ['10.0.0.1'], hostname: 'cass-0' }, { addresses: ['10.0.0.2'] }])],
    );
    assert.deepEqual(
      plan.entries.map((e) => [e.headless, e.hostname]),
      [
        [true, 'cass-0'],
        [true, '10-0-0-2'],
      ],
    );
  });

  it('no endpoints yet: one not-ready entry per port keeps the export alive', () => {
    const plan = planExport(exp, service({ ports: [{ name: 'http', port: 80 }] }), []);
    assert.deepEqual(
      plan.entries.map((e) => [e.to, e.ready]),
      [['0.0.0.0:80', false]],
    );
  });

  it('ExternalName is InvalidServiceType, a missing Service is NoService', () => {
    assert.equal(
      planExport(exp, service({ type: 'ExternalName', externalName: 'x.example' }), []).valid
        .reason,
      'InvalidServiceType',
    );
    const missing = planExport(exp, undefined, []);
    assert.equal(missing.valid.reason, 'NoService');
    assert.deepEqual(missing.entries, []);
  });

  it('carries session affinity, internalTrafficPolicy, trafficDistribution, exported labels and the global annotations (Cilium form normalised)', () => {
    const se: ServiceExport = { ...exp, spec: { exportedLabels: { tier: 'web' } } };
    const spec: Service['spec'] = {
      ports: [{ name: 'http', port: 80 }],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      internalTrafficPolicy: 'Local',
      trafficDistribution: 'PreferClose',
    };
    const plan = planExport(
      se,
      service(spec, { 'service.cilium.io/global': 'true', 'service.cilium.io/affinity': 'local' }),
      [],
    );
    const e = plan.entries[0];
    assert.equal(e?.sessionAffinity, 'ClientIP');
    assert.equal(e?.sessionAffinityTimeoutSeconds, 60);
    assert.equal(e?.internalTrafficPolicy, 'Local');
    assert.equal(e?.trafficDistribution, 'PreferClose');
    assert.deepEqual(e?.exportedLabels, { tier: 'web' });
    assert.deepEqual(e?.exportedAnnotations, {
      'causeway.io/global': 'true',
      'causeway.io/affinity': 'local',
    });
    assert.deepEqual(globalSettingsOf(e?.exportedAnnotations), {
      global: true,
      affinity: 'local',
      shared: true,
    });
  });
});

describe('ServiceExport conditions', () => {
  const valid = { type: 'Valid' as const, status: 'True' as const, reason: 'Valid', message: 'ok' };
  it('Pending until the router merged the export, then the merged Ready and Conflict', () => {
    assert.deepEqual(
      exportConditions(valid, undefined, 'east').map((c) => `${c.type}=${c.status}/${c.reason}`),
      ['Valid=True/Valid', 'Ready=Unknown/Pending', 'Conflict=Unknown/Pending'],
    );
    const conflict = {
      type: 'Conflict' as const,
      status: 'True' as const,
      reason: 'PortConflict',
      message: 'Conflicting ports.',
    };
    const ready = {
      type: 'Ready' as const,
      status: 'True' as const,
      reason: 'Exported',
      message: '',
    };
    const view = { sites: ['east'], conditions: { east: { valid, ready, conflict } } } as never;
    assert.deepEqual(
      exportConditions(valid, view, 'east').map((c) => c.reason),
      ['Valid', 'Exported', 'PortConflict'],
    );
  });

  it('keeps lastTransitionTime while a status holds, and spots no-op updates', () => {
    const first = stampConditions(undefined, [valid], 't1', 1);
    const again = stampConditions(first, [{ ...valid, message: 'still ok' }], 't2', 1);
    assert.equal(again[0]?.lastTransitionTime, 't1');
    assert.equal(
      stampConditions(first, [{ ...valid, status: 'False' }], 't3', 1)[0]?.lastTransitionTime,
      't3',
    );
    assert.ok(sameConditions(first, stampConditions(first, [valid], 't9', 1)));
    assert.ok(!sameConditions(first, again));
  });
});
