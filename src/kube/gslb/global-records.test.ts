import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ServiceView } from '../../api/index.js';
import { GslbRecord } from '../../gslb/index.js';
import type { GlobalRecord, Ingress, K8gbGslb } from '../client/kube-objects.js';
import { planGlobalRecord } from './global-record-plan.js';
import { planGslbRecords, type ClustersetHealth } from './gslb-records-plan.js';
import { planK8gbGslb } from './k8gb-gslb-plan.js';

const ZONE = 'gslb.example.com';
const ctx = {
  siteId: 'eu',
  zone: ZONE,
  discover: (_ns: string, source: { kind: string; name: string }) =>
    source.kind === 'Service' && source.name === 'web-lb' ? '192.0.2.80' : undefined,
};

function view(sites: string[], ready: string[]): ServiceView {
  return { name: 'web', namespace: 'shop', sites, readySites: ready } as unknown as ServiceView;
}

function health(v: ServiceView | undefined, unreachable: string[] = []): ClustersetHealth {
  return {
    view: (ns, name) => (v !== undefined && ns === v.namespace && name === v.name ? v : undefined),
    unreachable: new Set(unreachable),
  };
}

function globalRecord(
  name: string,
  spec: GlobalRecord['spec'],
  createdAt = '2026-01-01T00:00:00Z',
): GlobalRecord {
  return { metadata: { name, namespace: 'shop', creationTimestamp: createdAt }, spec };
}

const api = globalRecord('api', {
  name: 'api',
  service: 'web',
  strategy: { type: 'failover', holdDownSeconds: 10 },
  ttlSeconds: 3,
  targets: [
    { site: 'eu', from: { kind: 'Service', name: 'web-lb' } },
    { site: 'us', address: '198.51.100.10' },
    { site: 'ap', from: { kind: 'Ingress', name: 'web' } },
  ],
});

describe('GlobalRecord → GSLB record', () => {
  it("qualifies the name, discovers this site's address and keeps the strategy and TTL", () => {
    const plan = planGslbRecords(
      [planGlobalRecord(api, ctx)],
      new Set(),
      health(view(['eu', 'us'], ['us'])),
    );
    assert.deepEqual(plan.records, [
      {
        name: `api.${ZONE}`,
        service: 'shop/web',
        strategy: 'failover',
        holdDownSeconds: 10,
        ttl: 3,
        targets: [
          { site: 'eu', address: '192.0.2.80' },
          { site: 'us', address: '198.51.100.10' },
        ],
        source: 'kube:GlobalRecord/shop/api',
      },
    ]);
    const conditions = plan.outcomes[0]?.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`);
    assert.deepEqual(conditions, [
      'Accepted=True/Programmed',
      'site.causeway.io/eu=False/NoReadyEndpoints',
      'site.causeway.io/us=True/ReadyEndpoints',
      'site.causeway.io/ap=False/AddressUnknown',
    ]);
  });

  it('a name `gslb set` wrote, or an older object claims, is a NameConflict; the older keeps it', () => {
    const younger = globalRecord(
      'api-2',
      { ...api.spec, name: `api.${ZONE}` },
      '2026-02-01T00:00:00Z',
    );
    const plan = planGslbRecords(
      [planGlobalRecord(younger, ctx), planGlobalRecord(api, ctx)],
      new Set(),
      health(view(['eu'], ['eu'])),
    );
    assert.deepEqual(
      plan.records.map((r) => r.source),
      ['kube:GlobalRecord/shop/api'],
    );
    const refused = plan.outcomes.find((o) => o.owner.name === 'api-2')?.conditions[0];
    assert.equal(refused?.reason, 'NameConflict');
    assert.match(refused?.message ?? '', /older GlobalRecord shop\/api/);
    const file = planGslbRecords(
      [planGlobalRecord(api, ctx)],
      new Set([`api.${ZONE}`]),
      health(view(['eu'], ['eu'])),
    );
    assert.equal(file.records.length, 0);
    assert.match(file.outcomes[0]?.conditions[0]?.message ?? '', /gslb set/);
  });

  it('outside the zone, an unknown service or no address at all: Accepted=False with the reason', () => {
    const cases: Array<[GlobalRecord['spec'], string]> = [
      [{ ...api.spec, name: 'api.other.org' }, 'ZoneMismatch'],
      [{ ...api.spec, zone: 'other.org' }, 'ZoneMismatch'],
      [{ ...api.spec, service: 'db' }, 'UnknownService'],
      [{ ...api.spec, service: 'Not A Service' }, 'InvalidSpec'],
      [{ ...api.spec, targets: [{ site: 'us', address: 'not-an-ip' }] }, 'InvalidSpec'],
      [
        { ...api.spec, targets: [{ site: 'ap', from: { kind: 'Gateway', name: 'gw' } }] },
        'NoAddress',
      ],
    ];
    for (const [spec, reason] of cases) {
      const plan = planGslbRecords(
        [planGlobalRecord(globalRecord('x', spec), ctx)],
        new Set(),
        health(view(['eu'], ['eu'])),
      );
      assert.equal(plan.records.length, 0, reason);
      assert.equal(plan.outcomes[0]?.conditions[0]?.reason, reason, JSON.stringify(spec));
    }
  });
});

describe('k8gb Gslb → GSLB records', () => {
  const ingress: Ingress = {
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      rules: [
        { host: `app.${ZONE}`, http: { paths: [{ backend: { service: { name: 'web' } } }] } },
        { host: `www.${ZONE}` },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.81' }] } },
  };
  const k8gb = (
    strategy: NonNullable<K8gbGslb['spec']>['strategy'],
    annotations = {},
  ): K8gbGslb => ({
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: {
      resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' },
      strategy,
    },
  });
  const k8gbCtx = {
    ...ctx,
    ingress: (ns: string, name: string) => (ns === 'shop' && name === 'web' ? ingress : undefined),
  };

  it('failover with primaryGeoTag first, one record per host, TTL from dnsTtlSeconds', () => {
    const candidates = planK8gbGslb(
      k8gb(
        { type: 'failover', primaryGeoTag: 'us', dnsTtlSeconds: 7 },
        { 'causeway.io/gslb-targets': 'us=198.51.100.10' },
      ),
      k8gbCtx,
    );
    const plan = planGslbRecords(candidates, new Set(), health(view(['eu', 'us'], ['eu', 'us'])));
    assert.deepEqual(
      plan.records.map((r) => [
        r.name,
        r.strategy,
        r.ttl,
        r.targets?.map((t) => `${t.site}=${t.address}`),
      ]),
      [
        [`app.${ZONE}`, 'failover', 7, ['us=198.51.100.10', 'eu=192.0.2.81']],
        [`www.${ZONE}`, 'failover', 7, ['us=198.51.100.10', 'eu=192.0.2.81']],
      ],
    );
  });

  it('roundRobin is all-healthy, weighted when weights are set; geoip is geo', () => {
    const strategyOf = (s: NonNullable<K8gbGslb['spec']>['strategy']) =>
      planK8gbGslb(k8gb(s), k8gbCtx)[0]?.record?.strategy;
    assert.equal(strategyOf({ type: 'roundRobin' }), 'all-healthy');
    assert.equal(strategyOf({ type: 'roundRobin', weight: { eu: 5, us: 0 } }), 'weighted');
    assert.equal(strategyOf({ type: 'geoip' }), 'geo');
    const weights = planK8gbGslb(k8gb({ type: 'roundRobin', weight: { eu: 5 } }), k8gbCtx)[0]
      ?.record?.targets;
    assert.deepEqual(weights, [{ site: 'eu', address: '192.0.2.81', weight: 5 }]);
    assert.equal(
      planK8gbGslb(k8gb({ type: 'random' }), k8gbCtx)[0]?.problem?.reason,
      'InvalidSpec',
    );
  });
});

describe('planning hostile objects', () => {
  it('never throws, and every record it serves is valid', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('api', `a.${ZONE}`, 'shop/web', '192.0.2.1', 'eu', 'Service', 'Ingress'),
    );
    const anyValue = fc.anything({ maxDepth: 3 });
    const target = fc.record(
      {
        site: text,
        address: fc.option(text, { nil: undefined }),
        from: fc.option(fc.record({ kind: text, name: text }), { nil: undefined }),
        weight: fc.option(fc.integer(), { nil: undefined }),
      },
      { requiredKeys: ['site'] },
    );
    const spec = fc.oneof(
      anyValue,
      fc.record(
        {
          name: text,
          zone: fc.option(text, { nil: undefined }),
          service: text,
          strategy: fc.record({ type: text, holdDownSeconds: fc.integer() }),
          ttlSeconds: fc.integer(),
          noHealthy: text,
          targets: fc.array(target, { maxLength: 4 }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(spec, fc.array(text, { maxLength: 3 }), (s, ready) => {
        const object = {
          metadata: { name: 'x', namespace: 'shop' },
          spec: s,
        } as unknown as GlobalRecord & K8gbGslb;
        const candidates = [
          planGlobalRecord(object, ctx),
          ...planK8gbGslb(object, { ...ctx, ingress: () => undefined }),
        ];
        const plan = planGslbRecords(candidates, new Set(), health(view(['eu', ...ready], ready)));
        for (const record of plan.records)
          assert.ok(GslbRecord.safeParse(record).success, JSON.stringify(record));
      }),
      { numRuns: 500 },
    );
  });
});
