import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Choice, GslbClient } from './choose-targets.js';
import { explainRecord } from './explain-record.js';
import { FIXTURE_CONFIG, snapshotWith, stateWith, statusWith } from './gslb-state.fixture.js';
import type { GslbState } from './gslb-state.js';
import { validateGslbConfig } from './gslb-config-file.js';

const resolver = (address: string): GslbClient => ({ address, prefix: 32, source: 'resolver' });
const sitesOf = (choice: Choice): string[] =>
  choice.kind === 'answer' ? choice.targets.map((t) => t.site) : ['SERVFAIL'];
const pick = (
  state: GslbState,
  name: string,
  client: GslbClient = resolver('10.1.0.1'),
): string[] => sitesOf(state.choose(state.record(name)!, client));

describe('failover', () => {
  it('answers the first healthy site in order', () => {
    assert.deepEqual(pick(stateWith(['eu', 'us', 'ap']), 'api.gslb.example.com'), ['eu']);
    assert.deepEqual(pick(stateWith(['us', 'ap']), 'api.gslb.example.com'), ['us']);
    assert.deepEqual(pick(stateWith(['ap']), 'api.gslb.example.com'), ['ap']);
  });
  it('holds traffic off a recovered primary for the hold-down, then goes back', () => {
    const t0 = 1_000_000;
    const state = stateWith(['eu', 'us'], t0);
    state.observe('router-eu', { snapshot: snapshotWith(['us']) }, t0 + 1_000);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['us']);
    state.observe('router-eu', { snapshot: snapshotWith(['eu', 'us']) }, t0 + 2_000);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['us'], 'eu is in hold-down');
    const held = state.choose(state.record('api.gslb.example.com')!, resolver('10.1.0.1'));
    assert.match(held.reason, /eu in hold-down/);
    state.tick(t0 + 2_000 + 29_999);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['us']);
    state.tick(t0 + 2_000 + 30_000);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['eu']);
  });
  it('uses a site in hold-down when it is the only healthy one', () => {
    const state = stateWith(['eu'], 0);
    state.observe('router-eu', { snapshot: snapshotWith([]) }, 1_000);
    state.observe('router-eu', { snapshot: snapshotWith(['eu']) }, 2_000);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['eu']);
  });
  it('fails open to every target when nothing is healthy', () =>
    assert.deepEqual(pick(stateWith([]), 'api.gslb.example.com'), ['eu', 'us', 'ap']));
});

describe('weighted', () => {
  it('gives one client the same site on every server (fresh states agree)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        assert.deepEqual(
          pick(stateWith(['eu', 'us', 'ap']), 'w.gslb.example.com', resolver(address)),
          pick(stateWith(['eu', 'us', 'ap']), 'w.gslb.example.com', resolver(address)),
        );
      }),
    );
  });
  it('splits clients by weight, and weight 0 gets none', () => {
    const state = stateWith(['eu', 'us', 'ap']);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const site = pick(
        state,
        'w.gslb.example.com',
        resolver(`10.${(i >> 8) & 255}.${i & 255}.7`),
      )[0]!;
      counts[site] = (counts[site] ?? 0) + 1;
    }
    assert.equal(counts['ap'], undefined);
    const euShare = (counts['eu'] ?? 0) / 4000;
    assert.ok(euShare > 0.71 && euShare < 0.79, `eu share ${euShare} should be near 0.75`);
  });
  it('answers a drained site only when every healthy site is drained', () =>
    assert.deepEqual(pick(stateWith(['ap']), 'w.gslb.example.com'), ['ap']));
  it('moves only the clients of a site that went down', () => {
    const before = stateWith(['eu', 'us']);
    const after = stateWith(['eu']);
    for (let i = 0; i < 500; i++) {
      const client = resolver(`10.9.${i >> 8}.${i & 255}`);
      if (pick(before, 'w.gslb.example.com', client)[0] === 'eu')
        assert.deepEqual(pick(after, 'w.gslb.example.com', client), ['eu']);
    }
  });
});

describe('geo', () => {
  it('maps the client to a region by the longest matching prefix, else the default', () => {
    const state = stateWith(['eu', 'us', 'ap']);
    assert.deepEqual(pick(state, 'geo.gslb.example.com', resolver('10.1.4.4')), ['eu']);
    assert.deepEqual(pick(state, 'geo.gslb.example.com', resolver('10.2.4.4')), ['us']);
    assert.deepEqual(pick(state, 'geo.gslb.example.com', resolver('10.2.9.4')), ['ap']);
    assert.deepEqual(pick(state, 'geo.gslb.example.com', resolver('172.16.0.1')), ['us']);
  });
  it('uses the ECS subnet when a resolver sent one', () => {
    assert.deepEqual(
      pick(stateWith(['eu', 'us', 'ap']), 'geo.gslb.example.com', {
        address: '10.2.9.0',
        prefix: 24,
        source: 'ecs',
      }),
      ['ap'],
    );
  });
  it('sends a region whose sites are down to the nearest region by latency', () => {
    assert.deepEqual(pick(stateWith(['eu', 'us']), 'geo.gslb.example.com', resolver('10.2.9.4')), [
      'us',
    ]);
  });
});

describe('latency', () => {
  it('answers the nearest healthy site, a local one first', () => {
    assert.deepEqual(
      pick(stateWith(['eu', 'us', 'ap']), 'near.gslb.example.com', resolver('10.2.9.1')),
      ['ap'],
    );
    assert.deepEqual(pick(stateWith(['eu', 'us']), 'near.gslb.example.com', resolver('10.2.9.1')), [
      'us',
    ]);
  });
  it('fills unknown latencies with the RTTs the routers measured', () => {
    const config = { ...FIXTURE_CONFIG, latency: {} };
    const state = stateWith(['us', 'ap'], 0, config);
    const status = {
      ...statusWith(true, 'eu'),
      links: [
        { region: 'us', rttMs: 90 },
        { region: 'ap', rttMs: 40 },
      ],
    } as unknown as ReturnType<typeof statusWith>;
    state.observe('router-eu', { status }, 0);
    assert.deepEqual(pick(state, 'near.gslb.example.com', resolver('10.1.0.1')), ['ap']);
    assert.equal(state.latency('ap', 'eu'), 40, 'measured RTTs count both ways');
  });
});

describe('all-healthy', () => {
  it('answers up to maxAnswers healthy sites; SERVFAIL by policy when none', () => {
    assert.deepEqual(pick(stateWith(['eu', 'us', 'ap']), 'all.deep.gslb.example.com'), [
      'eu',
      'us',
    ]);
    assert.deepEqual(pick(stateWith(['ap']), 'all.deep.gslb.example.com'), ['ap']);
    assert.deepEqual(pick(stateWith([]), 'all.deep.gslb.example.com'), ['SERVFAIL']);
  });
});

describe('health from the routers', () => {
  it('ignores the minority side, and serves only with a majority view', () => {
    const state = stateWith(['eu']);
    state.observe('router-eu', { status: statusWith(false) }, 1);
    assert.equal(state.serving(), false);
    state.observe(
      'router-us',
      { snapshot: snapshotWith(['us'], 'us'), status: statusWith(true, 'us') },
      2,
    );
    assert.equal(state.serving(), false, 'a gap in the view: silent for the longest hold-down');
    state.tick(2 + 30_000);
    assert.equal(state.serving(), true);
    assert.deepEqual([...state.readySites('shop/web')], ['us']);
  });
  it('does not count a site the router lists as unreachable', () => {
    const state = stateWith([]);
    state.observe(
      'router-eu',
      { snapshot: { ...snapshotWith(['eu', 'us']), unreachable: ['us'] } },
      1,
    );
    assert.deepEqual([...state.readySites('shop/web')], ['eu']);
  });
  it('reports each health transition once', () => {
    const state = stateWith(['eu', 'us']);
    const changes = state.observe('router-eu', { snapshot: snapshotWith(['us']) }, 5);
    assert.deepEqual(changes, [{ service: 'shop/web', site: 'eu', healthy: false, at: 5 }]);
    assert.deepEqual(state.observe('router-eu', { snapshot: snapshotWith(['us']) }, 6), []);
  });
});

describe('back from the minority side', () => {
  it('stays silent for the longest hold-down, then answers as the servers that saw the failure do', () => {
    const t0 = 1_000_000;
    const state = stateWith(['eu', 'us', 'ap'], t0);
    // Cut off with eu: this router goes minority and sees only itself healthy.
    state.observe(
      'router-eu',
      { snapshot: snapshotWith(['eu']), status: statusWith(false) },
      t0 + 1_000,
    );
    assert.equal(state.serving(), false);
    state.observe(
      'router-eu',
      { snapshot: snapshotWith(['eu', 'us', 'ap']), status: statusWith(true) },
      t0 + 8_000,
    );
    assert.equal(state.serving(), false, 'warming up: the peers are holding eu down');
    state.tick(t0 + 8_000 + 30_000);
    assert.equal(state.serving(), true);
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['eu']);
  });
  it('answers at once on its first start (nothing to have missed)', () =>
    assert.equal(stateWith(['eu']).serving(), true));
});

describe('explainRecord', () => {
  it('names a record whose service no router reports, as bad input', () => {
    const state = stateWith(['eu'], 0, {
      ...FIXTURE_CONFIG,
      records: [
        {
          name: 'x.gslb.example.com',
          service: 'shop/nothing',
          targets: [{ site: 'eu', address: '192.0.2.1' }],
        },
      ],
    });
    assert.throws(
      () => explainRecord(state, 'x', resolver('10.1.0.1')),
      /x\.gslb\.example\.com refers to shop\/nothing, which no router reports/,
    );
    assert.deepEqual(explainRecord(stateWith(['eu']), 'api', resolver('10.1.0.1')).answer.sites, [
      'eu',
    ]);
  });
});

describe('writer lease', () => {
  const lease = (holder: string | null, live = true) => ({
    ...statusWith(true),
    leases: [
      {
        name: 'shop-db',
        known: true,
        holder,
        fencingToken: 7,
        expiresAt: null,
        live,
        holding: false,
      },
    ],
  });
  const withLease = (): GslbState => {
    const state = stateWith(['eu', 'us', 'ap']);
    const api = state.record('api.gslb.example.com')!;
    state.reconfigure(
      { ...fixtureConfig(state), records: [{ ...api, writerLease: 'shop-db' }] },
      1_000_000,
    );
    return state;
  };
  it('answers the healthy lease holder, whatever the strategy would pick', () => {
    const state = withLease();
    state.observe('router-eu', { status: lease('ap') }, 1_000_100);
    const choice = state.choose(state.record('api.gslb.example.com')!, resolver('10.1.0.1'));
    assert.deepEqual(sitesOf(choice), ['ap']);
    assert.match(choice.reason, /ap holds lease shop-db/);
  });
  it('a lapsed term, no holder, or an unhealthy holder: the strategy decides', () => {
    const state = withLease();
    for (const status of [lease('ap', false), lease(null)]) {
      state.observe('router-eu', { status }, 1_000_100);
      assert.deepEqual(pick(state, 'api.gslb.example.com'), ['eu']);
    }
    state.observe(
      'router-eu',
      { status: lease('ap'), snapshot: snapshotWith(['eu', 'us']) },
      1_000_200,
    );
    assert.deepEqual(pick(state, 'api.gslb.example.com'), ['eu']);
  });
});

/** The fixture's configuration as the state holds it, to reconfigure with one field changed. */
function fixtureConfig(state: GslbState) {
  return { ...validateGslbConfig(FIXTURE_CONFIG), zone: state.zone };
}
