import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy } from './compile-policy.js';
import { seededRandom } from './seeded-random.js';
import { selectFromCompiled } from './select-endpoint.js';
import { tierCandidates } from './tier-candidates.js';
import type {
  Affinity,
  Candidate,
  ClientLocation,
  Locality,
  TrafficPolicy,
} from './traffic-policy.js';

// The client sits at site east-1 (zone east-a, region east). Around it: a second replica of its own
// site, another site in the same zone, one in the same region but another zone, one far away.
const client: ClientLocation = { site: 'east-1', zone: 'east-a', region: 'east' };
const place = {
  'own-a1': { site: 'east-1', zone: 'east-a', region: 'east' },
  'own-a2': { site: 'east-1', zone: 'east-a', region: 'east' },
  'near-a': { site: 'east-2', zone: 'east-a', region: 'east' },
  'near-b': { site: 'east-3', zone: 'east-b', region: 'east' },
  'far-w': { site: 'west-1', zone: 'west-a', region: 'west' },
} as const;
type Id = keyof typeof place;

const health = {
  'all healthy': {},
  'local zone unhealthy': { 'own-a1': 'down', 'own-a2': 'down', 'near-a': 'down' },
  'whole local region unhealthy': {
    'own-a1': 'down',
    'own-a2': 'down',
    'near-a': 'down',
    'near-b': 'down',
  },
  'everything remote down': { 'near-a': 'down', 'near-b': 'down', 'far-w': 'down' },
  'local zone ejected': { 'own-a1': 'ejected', 'own-a2': 'ejected', 'near-a': 'ejected' },
} as const satisfies Record<string, Partial<Record<Id, 'down' | 'ejected'>>>;
type Health = keyof typeof health;

function candidates(scenario: Health): Candidate[] {
  const states: Partial<Record<Id, 'down' | 'ejected'>> = health[scenario];
  return (Object.keys(place) as Id[]).map((id) => ({
    id,
    ...place[id],
    healthy: states[id] !== 'down',
    ejected: states[id] === 'ejected',
    outstanding: 0,
  }));
}

// Written out by hand rather than derived, so the table is a second opinion on the code.
const expected: Record<Locality, Record<Affinity, Record<Health, Id[][]>>> = {
  PreferClose: {
    none: {
      'all healthy': [['own-a1', 'own-a2', 'near-a'], ['near-b'], ['far-w']],
      'local zone unhealthy': [[], ['near-b'], ['far-w']],
      'whole local region unhealthy': [[], [], ['far-w']],
      'everything remote down': [['own-a1', 'own-a2'], [], []],
      'local zone ejected': [[], ['near-b'], ['far-w']],
    },
    local: {
      'all healthy': [['own-a1', 'own-a2'], ['near-a'], ['near-b'], ['far-w']],
      'local zone unhealthy': [[], [], ['near-b'], ['far-w']],
      'whole local region unhealthy': [[], [], [], ['far-w']],
      'everything remote down': [['own-a1', 'own-a2'], [], [], []],
      'local zone ejected': [[], [], ['near-b'], ['far-w']],
    },
    remote: {
      'all healthy': [['near-a'], ['near-b'], ['far-w'], ['own-a1', 'own-a2']],
      'local zone unhealthy': [[], ['near-b'], ['far-w'], []],
      'whole local region unhealthy': [[], [], ['far-w'], []],
      'everything remote down': [[], [], [], ['own-a1', 'own-a2']],
      'local zone ejected': [[], ['near-b'], ['far-w'], []],
    },
  },
  Any: {
    none: {
      'all healthy': [['own-a1', 'own-a2', 'near-a', 'near-b', 'far-w']],
      'local zone unhealthy': [['near-b', 'far-w']],
      'whole local region unhealthy': [['far-w']],
      'everything remote down': [['own-a1', 'own-a2']],
      'local zone ejected': [['near-b', 'far-w']],
    },
    local: {
      'all healthy': [
        ['own-a1', 'own-a2'],
        ['near-a', 'near-b', 'far-w'],
      ],
      'local zone unhealthy': [[], ['near-b', 'far-w']],
      'whole local region unhealthy': [[], ['far-w']],
      'everything remote down': [['own-a1', 'own-a2'], []],
      'local zone ejected': [[], ['near-b', 'far-w']],
    },
    remote: {
      'all healthy': [
        ['near-a', 'near-b', 'far-w'],
        ['own-a1', 'own-a2'],
      ],
      'local zone unhealthy': [['near-b', 'far-w'], []],
      'whole local region unhealthy': [['far-w'], []],
      'everything remote down': [[], ['own-a1', 'own-a2']],
      'local zone ejected': [['near-b', 'far-w'], []],
    },
  },
};

const ids = (tiers: Candidate[][]): string[][] =>
  tiers.map((tier) => tier.map((candidate) => candidate.id));

describe('tierCandidates', () => {
  for (const locality of ['PreferClose', 'Any'] as const) {
    for (const affinity of ['none', 'local', 'remote'] as const) {
      for (const scenario of Object.keys(health) as Health[]) {
        it(`${locality} × affinity ${affinity} × ${scenario}`, () => {
          const policy: TrafficPolicy = { locality, affinity };
          const want = expected[locality][affinity][scenario];
          assert.deepEqual(ids(tierCandidates(candidates(scenario), client, policy)), want);

          // Selection always lands in the first non-empty tier when nothing is overloaded.
          const first = want.findIndex((tier) => tier.length > 0);
          const compiled = compilePolicy(candidates(scenario), client, policy);
          const random = seededRandom(7);
          for (let i = 0; i < 50; i++) {
            const selection = selectFromCompiled(compiled, random);
            assert.ok(selection !== undefined);
            assert.equal(selection.tier, first);
            assert.ok(want[first]?.includes(selection.candidate.id as Id));
            assert.equal(selection.reason, first === 0 ? 'preferred' : 'failover');
          }
        });
      }
    }
  }

  it('drops zero, negative and non-finite weights, and sites weighted zero', () => {
    const base = { zone: 'z', region: 'r', healthy: true, outstanding: 0 };
    const list: Candidate[] = [
      { ...base, id: 'zero', site: 's1', weight: 0 },
      { ...base, id: 'negative', site: 's1', weight: -1 },
      { ...base, id: 'nan', site: 's1', weight: Number.NaN },
      { ...base, id: 'infinite', site: 's1', weight: Number.POSITIVE_INFINITY },
      { ...base, id: 'muted-site', site: 's2' },
      { ...base, id: 'kept', site: 's1', weight: 3 },
    ];
    const policy: TrafficPolicy = { locality: 'Any', affinity: 'none', siteWeights: { s2: 0 } };
    assert.deepEqual(ids(tierCandidates(list, { site: 's1', zone: 'z', region: 'r' }, policy)), [
      ['kept'],
    ]);
  });
});

describe('tierCandidates with failoverPriority', () => {
  const rack = 'topology.example/rack';
  const at = (
    id: string,
    site: string,
    region: string,
    zone: string,
    labels: Record<string, string> = {},
  ): Candidate => ({
    id,
    site,
    region,
    zone,
    labels,
    healthy: true,
    outstanding: 0,
  });
  const here: ClientLocation = { site: 's1', region: 'eu', zone: 'eu-1', labels: { [rack]: 'r7' } };
  const list = [
    at('same-rack', 's1', 'eu', 'eu-1', { [rack]: 'r7' }),
    at('other-rack', 's1', 'eu', 'eu-1', { [rack]: 'r8' }),
    at('no-rack', 's1', 'eu', 'eu-1'),
    at('other-zone', 's1', 'eu', 'eu-2', { [rack]: 'r7' }),
    at('other-site', 's2', 'eu', 'eu-1', { [rack]: 'r7' }),
    at('far', 's3', 'us', 'us-1', { [rack]: 'r7' }),
  ];

  it('tiers by the number of leading matching keys, custom labels included', () => {
    const policy: TrafficPolicy = {
      locality: 'PreferClose',
      affinity: 'none',
      failoverPriority: ['site', 'region', 'zone', rack],
    };
    assert.deepEqual(ids(tierCandidates(list, here, policy)), [
      ['same-rack'],
      ['other-rack', 'no-rack'],
      ['other-zone'],
      [],
      ['other-site', 'far'],
    ]);
  });

  it('counts only the leading run: a later match after a mismatch does not lift a candidate', () => {
    const policy: TrafficPolicy = {
      locality: 'Any',
      affinity: 'none',
      failoverPriority: ['region', rack],
    };
    // 'far' shares the rack label but not the region, so it matches nothing.
    assert.deepEqual(ids(tierCandidates(list, here, policy)), [
      ['same-rack', 'other-zone', 'other-site'],
      ['other-rack', 'no-rack'],
      ['far'],
    ]);
  });

  it('a label the client lacks never matches, even when the candidate lacks it too', () => {
    const policy: TrafficPolicy = {
      locality: 'Any',
      affinity: 'none',
      failoverPriority: ['topology.example/row'],
    };
    assert.deepEqual(ids(tierCandidates(list, here, policy)), [[], list.map((c) => c.id)]);
  });

  it('overrides locality, and affinity still wraps it', () => {
    const policy: TrafficPolicy = {
      locality: 'PreferClose',
      affinity: 'remote',
      failoverPriority: ['region', rack],
    };
    assert.deepEqual(ids(tierCandidates(list, here, policy)), [
      ['other-site'],
      [],
      ['far'],
      ['same-rack', 'other-rack', 'no-rack', 'other-zone'],
    ]);
  });
});
