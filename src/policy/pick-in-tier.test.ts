import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicy } from './compile-policy.js';
import { pickInTier } from './pick-in-tier.js';
import { seededRandom } from './seeded-random.js';
import { selectFromCompiled } from './select-endpoint.js';
import type { Candidate, TrafficPolicy } from './traffic-policy.js';

const client = { site: 'a', zone: 'z', region: 'r' };
const any: TrafficPolicy = { locality: 'Any', affinity: 'none' };
const replica = (id: string, site: string, extra: Partial<Candidate> = {}): Candidate => ({
  id,
  site,
  zone: 'z',
  region: 'r',
  healthy: true,
  outstanding: 0,
  ...extra,
});

function shares(
  list: Candidate[],
  policy: TrafficPolicy,
  picks: number,
  seed: number,
): Map<string, number> {
  const compiled = compilePolicy(list, client, policy);
  const random = seededRandom(seed);
  const counts = new Map<string, number>();
  for (let i = 0; i < picks; i++) {
    const id = selectFromCompiled(compiled, random)?.candidate.id ?? 'none';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return new Map([...counts].map(([id, count]) => [id, count / picks]));
}

describe('pickInTier', () => {
  it('shares flows by site weight times candidate weight (10k picks within ±3%)', () => {
    // Effective weights 1·1, 1·2, 3·1, 2·2 = 1, 2, 3, 4 of 10.
    const list = [
      replica('a1', 'a'),
      replica('b1', 'b'),
      replica('a2', 'a', { weight: 3 }),
      replica('b2', 'b', { weight: 2 }),
    ];
    const got = shares(list, { ...any, siteWeights: { b: 2 } }, 10_000, 11);
    for (const [id, want] of [
      ['a1', 0.1],
      ['b1', 0.2],
      ['a2', 0.3],
      ['b2', 0.4],
    ] as const) {
      const share = got.get(id) ?? 0;
      assert.ok(Math.abs(share - want) <= 0.03, `${id}: ${share.toFixed(3)} vs ${want}`);
    }
  });

  it('site weights alone skew a two-site split 1:4', () => {
    const list = [replica('a1', 'a'), replica('a2', 'a'), replica('b1', 'b'), replica('b2', 'b')];
    const got = shares(list, { ...any, siteWeights: { a: 1, b: 4 } }, 10_000, 12);
    const siteA = (got.get('a1') ?? 0) + (got.get('a2') ?? 0);
    assert.ok(Math.abs(siteA - 0.2) <= 0.03, `site a took ${siteA.toFixed(3)}`);
  });

  it('power of two choices: with two candidates the idle one always wins over a loaded one', () => {
    const list = [replica('busy', 'a', { outstanding: 10 }), replica('idle', 'a')];
    assert.equal(shares(list, any, 10_000, 13).get('idle'), 1);
  });

  it('draws two distinct candidates: the idle one of three wins 2/3 of the time, not 5/9', () => {
    const list = [
      replica('busy1', 'a', { outstanding: 10 }),
      replica('idle', 'a'),
      replica('busy2', 'a', { outstanding: 10 }),
    ];
    const idle = shares(list, any, 10_000, 14).get('idle') ?? 0;
    assert.ok(Math.abs(idle - 2 / 3) <= 0.03, `idle took ${idle.toFixed(3)}`);
  });

  it('compares load per unit of weight: 10 flows on weight 4 beat 5 flows on weight 1', () => {
    const list = [
      replica('big', 'a', { weight: 4, outstanding: 10 }),
      replica('small', 'a', { outstanding: 5 }),
    ];
    assert.equal(shares(list, any, 1_000, 15).get('big'), 1);
  });

  it('a single candidate is always chosen', () => {
    assert.equal(shares([replica('only', 'a', { outstanding: 99 })], any, 100, 16).get('only'), 1);
  });

  it('always returns a member, whatever the weights and the draws (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 2,
          maxLength: 2,
        }),
        (weights, draws) => {
          const list = weights.map((weight, i) => replica(`c${i}`, 'a', { weight }));
          const tier = compilePolicy(list, client, any).tiers[0];
          assert.ok(tier !== undefined);
          let next = 0;
          const chosen = pickInTier(tier, () => draws[next++ % draws.length] as number);
          assert.ok(list.includes(chosen));
        },
      ),
    );
  });
});
