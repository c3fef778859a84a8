import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode } from '../errors/index.js';
import { mergeClustersetService } from './merge-clusterset-service.js';
import { helloExport } from './site-export.fixture.js';
import type { ServicePort, SiteExport } from './site-export.js';

const c0 = (overrides: Partial<SiteExport> = {}): SiteExport => helloExport('c0', 1_000, overrides);
const c1 = (overrides: Partial<SiteExport> = {}): SiteExport => helloExport('c1', 2_100, overrides);

function conflictReasons(exports: SiteExport[]): Record<string, string> {
  const service = mergeClustersetService(exports);
  return Object.fromEntries(
    Object.entries(service.conditions).map(([site, c]) => [
      site,
      `${c.conflict.status}/${c.conflict.reason}`,
    ]),
  );
}

describe('mergeClustersetService — conformance cases', () => {
  it('a single ClusterIP export becomes a valid, exported ClusterSetIP service with its own ports and settings', () => {
    const service = mergeClustersetService([
      c0({ internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose' }),
    ]);
    assert.equal(service.type, 'ClusterSetIP');
    assert.deepEqual(service.ports, c0().ports);
    assert.equal(service.sessionAffinity, 'ClientIP');
    assert.equal(service.sessionAffinityTimeoutSeconds, 10);
    assert.equal(service.internalTrafficPolicy, 'Cluster');
    assert.equal(service.trafficDistribution, 'PreferClose');
    assert.deepEqual(service.ipFamilies, ['IPv4']);
    assert.deepEqual(service.conditions['c0'], {
      valid: {
        type: 'Valid',
        status: 'True',
        reason: 'Valid',
        message: 'Service export is valid.',
      },
      ready: {
        type: 'Ready',
        status: 'True',
        reason: 'Exported',
        message: 'Service is exported to the clusterset.',
      },
      conflict: {
        type: 'Conflict',
        status: 'False',
        reason: 'NoConflicts',
        message: 'No conflicts.',
      },
    });
  });

  it('identical exports from two sites merge without conflict, listing both exporters', () => {
    const service = mergeClustersetService([c1(), c0()]);
    assert.deepEqual(service.sites, ['c0', 'c1']);
    assert.deepEqual(conflictReasons([c0(), c1()]), {
      c0: 'False/NoConflicts',
      c1: 'False/NoConflicts',
    });
  });

  it('a pure superset of ports gives the union and raises PortConflict on both exports', () => {
    const extra: ServicePort = { name: 'sctp', port: 142, protocol: 'SCTP' };
    const service = mergeClustersetService([c0(), c1({ ports: [...c0().ports, extra] })]);
    assert.deepEqual(service.ports, [extra, ...c0().ports]);
    assert.deepEqual(conflictReasons([c0(), c1({ ports: [...c0().ports, extra] })]), {
      c0: 'True/PortConflict',
      c1: 'True/PortConflict',
    });
    assert.deepEqual(service.portSites, {
      '42/TCP': ['c0', 'c1'],
      '42/UDP': ['c0', 'c1'],
      '142/SCTP': ['c1'],
    });
  });

  it("the same port name with a different number keeps the oldest export's ports and raises PortConflict on both", () => {
    const renumbered = c1({
      ports: [
        { name: 'tcp', port: 4242, protocol: 'TCP' },
        { name: 'udp', port: 4242, protocol: 'UDP' },
      ],
    });
    const service = mergeClustersetService([renumbered, c0()]);
    assert.deepEqual(service.ports, c0().ports);
    assert.deepEqual(service.portSites, { '42/TCP': ['c0'], '42/UDP': ['c0'] });
    assert.deepEqual(conflictReasons([renumbered, c0()]), {
      c0: 'True/PortConflict',
      c1: 'True/PortConflict',
    });
  });

  it('different port names give each port only the sites exposing it', () => {
    const service = mergeClustersetService([
      c0({ ports: [{ name: 'a', port: 42, protocol: 'TCP' }] }),
      c1({ ports: [{ name: 'b', port: 4242, protocol: 'TCP' }] }),
    ]);
    assert.deepEqual(service.portSites, { '42/TCP': ['c0'], '4242/TCP': ['c1'] });
  });

  it('a ClusterIP export first and a headless one later give ClusterSetIP with TypeConflict on both, worded as the KEP', () => {
    const service = mergeClustersetService([c1({ type: 'Headless' }), c0()]);
    assert.equal(service.type, 'ClusterSetIP');
    assert.equal(service.winnerSite, 'c0');
    for (const site of ['c0', 'c1']) {
      assert.deepEqual(service.conditions[site]?.conflict, {
        type: 'Conflict',
        status: 'True',
        reason: 'TypeConflict',
        message:
          'Conflicting type. Using "ClusterSetIP" from oldest service export in "c0". 1/2 clusters disagree.',
      });
    }
  });

  it('a headless export alone is Headless', () => {
    assert.equal(mergeClustersetService([c0({ type: 'Headless' })]).type, 'Headless');
  });

  it('sessionAffinity, its config, internalTrafficPolicy and trafficDistribution come from the oldest export and conflict otherwise', () => {
    const later = c1({
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: undefined,
      internalTrafficPolicy: 'Local',
      trafficDistribution: 'PreferClose',
    });
    const older = c0({ internalTrafficPolicy: 'Cluster' });
    const service = mergeClustersetService([later, older]);
    assert.equal(service.sessionAffinity, 'ClientIP');
    assert.equal(service.sessionAffinityTimeoutSeconds, 10);
    assert.equal(service.internalTrafficPolicy, 'Cluster');
    assert.equal(service.trafficDistribution, undefined);
    assert.equal(
      service.conditions['c1']?.conflict.reason,
      'SessionAffinityConflict,SessionAffinityConfigConflict,InternalTrafficPolicyConflict,TrafficDistributionConflict',
    );
  });

  it('an unset internalTrafficPolicy equals the Kubernetes default, Cluster', () => {
    assert.deepEqual(conflictReasons([c0({ internalTrafficPolicy: 'Cluster' }), c1()]), {
      c0: 'False/NoConflicts',
      c1: 'False/NoConflicts',
    });
    assert.deepEqual(conflictReasons([c0(), c1({ internalTrafficPolicy: 'Local' })]), {
      c0: 'True/InternalTrafficPolicyConflict',
      c1: 'True/InternalTrafficPolicyConflict',
    });
  });

  it('a different affinity timeout alone is a SessionAffinityConfigConflict; an unset one equals the Kubernetes default', () => {
    assert.deepEqual(conflictReasons([c0(), c1({ sessionAffinityTimeoutSeconds: 20 })]), {
      c0: 'True/SessionAffinityConfigConflict',
      c1: 'True/SessionAffinityConfigConflict',
    });
    const unset = c1({ sessionAffinityTimeoutSeconds: undefined });
    assert.equal(
      conflictReasons([c0({ sessionAffinityTimeoutSeconds: 10_800 }), unset])['c1'],
      'False/NoConflicts',
    );
  });

  it('labels and annotations come only from exportedLabels/exportedAnnotations, conflicts keep the oldest', () => {
    const single = mergeClustersetService([
      c0({ exportedLabels: { tier: 'web' }, exportedAnnotations: { note: 'a' } }),
    ]);
    assert.deepEqual(single.labels, { tier: 'web' });
    assert.deepEqual(single.annotations, { note: 'a' });
    const exports = [
      c0({ exportedLabels: { tier: 'web' }, exportedAnnotations: { note: 'a' } }),
      c1({ exportedLabels: { tier: 'db' } }),
    ];
    const merged = mergeClustersetService(exports);
    assert.deepEqual(merged.labels, { tier: 'web' });
    assert.deepEqual(merged.annotations, { note: 'a' });
    assert.deepEqual(conflictReasons(exports), {
      c0: 'True/AnnotationsConflict,LabelsConflict',
      c1: 'True/AnnotationsConflict,LabelsConflict',
    });
  });

  it('a different set of IP families is an IPFamilyConflict, a different order is not', () => {
    assert.equal(
      conflictReasons([c0(), c1({ ipFamilies: ['IPv4', 'IPv6'] })])['c0'],
      'True/IPFamilyConflict',
    );
    const order = [c0({ ipFamilies: ['IPv6', 'IPv4'] }), c1({ ipFamilies: ['IPv4', 'IPv6'] })];
    assert.equal(conflictReasons(order)['c0'], 'False/NoConflicts');
    assert.deepEqual(mergeClustersetService(order).ipFamilies, ['IPv6', 'IPv4']);
    assert.deepEqual(
      mergeClustersetService([c0({ ipFamilies: undefined, type: 'Headless' })]).ipFamilies,
      ['IPv4'],
    );
  });

  it('refuses exports of different services, a site exporting twice, and nothing at all', () => {
    for (const bad of [[c0(), c1({ name: 'other' })], [c0(), c0()], []]) {
      assert.throws(
        () => mergeClustersetService(bad),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
      );
    }
  });
});

const protocolArb = fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const);
const portArb = fc.record(
  {
    name: fc.constantFrom('a', 'b', 'c', ''),
    port: fc.constantFrom(42, 80, 443),
    protocol: protocolArb,
    appProtocol: fc.constantFrom('http', 'grpc'),
  },
  { requiredKeys: ['port', 'protocol'] },
);
const exportsArb = fc
  .uniqueArray(fc.constantFrom('s1', 's2', 's3', 's4', 's5'), { minLength: 1, maxLength: 5 })
  .chain((sites) =>
    fc.tuple(
      ...sites.map((site) =>
        fc
          .record({
            exportedAt: fc.integer({ min: 0, max: 5 }),
            type: fc.constantFrom('ClusterSetIP' as const, 'Headless' as const),
            ports: fc.array(portArb, { maxLength: 4 }),
            sessionAffinity: fc.constantFrom('None' as const, 'ClientIP' as const),
            exportedLabels: fc.dictionary(fc.constantFrom('x', 'y'), fc.constantFrom('1', '2'), {
              maxKeys: 2,
            }),
          })
          .map((fields): SiteExport => helloExport(site, 0, fields)),
      ),
    ),
  );

describe('mergeClustersetService — properties', () => {
  it('is independent of the order exports arrive in', () => {
    fc.assert(
      fc.property(
        exportsArb.chain((exports) =>
          fc.tuple(
            fc.constant(exports),
            fc.shuffledSubarray(exports, { minLength: exports.length }),
          ),
        ),
        ([exports, shuffled]) => {
          assert.deepEqual(mergeClustersetService(shuffled), mergeClustersetService(exports));
        },
      ),
    );
  });

  it('never yields duplicate port names (empty included) nor duplicate protocol+port', () => {
    fc.assert(
      fc.property(exportsArb, (exports) => {
        const { ports } = mergeClustersetService(exports);
        assert.equal(new Set(ports.map((p) => p.name ?? '')).size, ports.length);
        assert.equal(new Set(ports.map((p) => `${p.port}/${p.protocol}`)).size, ports.length);
      }),
    );
  });

  it('the winner is always the oldest export, ties going to the lowest site id', () => {
    fc.assert(
      fc.property(exportsArb, (exports) => {
        const service = mergeClustersetService(exports);
        const oldest = Math.min(...exports.map((e) => e.exportedAt));
        const candidates = exports
          .filter((e) => e.exportedAt === oldest)
          .map((e) => e.site)
          .sort();
        assert.equal(service.winnerSite, candidates[0]);
        const winner = exports.find((e) => e.site === service.winnerSite);
        assert.equal(service.type, winner?.type);
        assert.deepEqual(service.labels, { ...winner?.exportedLabels });
      }),
    );
  });

  it('raises the conflict on every export or on none', () => {
    fc.assert(
      fc.property(exportsArb, (exports) => {
        const statuses = new Set(
          Object.values(mergeClustersetService(exports).conditions).map((c) => c.conflict.status),
        );
        assert.equal(statuses.size, 1);
      }),
    );
  });
});
