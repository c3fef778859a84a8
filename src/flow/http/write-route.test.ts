import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decideWriteRoute, type WriteRouteInput } from './write-route.js';

const now = 1_700_000_000_000;
const held = (holder: string, expiresAt = now + 3_000) => ({
  known: true,
  lease: { name: 'w', holder, fencingToken: 7, expiresAt },
});

function input(overrides: Partial<WriteRouteInput>): WriteRouteInput {
  return {
    lease: 'w',
    state: held('b'),
    now,
    reachable: () => true,
    serving: () => true,
    ...overrides,
  };
}

describe('decideWriteRoute', () => {
  it('routes to the live holder with its lease', () => {
    const route = decideWriteRoute(input({}));
    assert.deepEqual(route, { type: 'route', site: 'b', lease: held('b').lease });
  });

  it('refuses with the reason that explains it', () => {
    const cases: Array<[Partial<WriteRouteInput>, string, string | null]> = [
      [{ state: { known: false, lease: undefined } }, 'lease-unknown', null],
      [{ state: { known: true, lease: undefined } }, 'lease-unheld', null],
      [{ state: held('b', now) }, 'lease-expired', 'b'],
      [{ reachable: (s) => s !== 'b' }, 'holder-unreachable', 'b'],
      [{ serving: (s) => s !== 'b' }, 'holder-not-serving', 'b'],
    ];
    for (const [overrides, reason, holder] of cases) {
      const route = decideWriteRoute(input(overrides));
      assert.equal(route.type, 'refuse');
      assert.ok(
        route.type === 'refuse' && route.reason === reason && route.holder === holder,
        `${reason}: ${JSON.stringify(route)}`,
      );
    }
  });

  it('advises retrying an unreachable holder once its term can have moved', () => {
    const route = decideWriteRoute(
      input({ state: held('b', now + 4_200), reachable: () => false }),
    );
    assert.ok(route.type === 'refuse' && route.retryAfterSeconds === 5);
  });

  it('never routes anywhere but a reachable, serving holder of an unexpired lease', () => {
    fc.assert(
      fc.property(
        fc.record({
          known: fc.boolean(),
          holder: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
          expiresIn: fc.integer({ min: -10_000, max: 10_000 }),
          unreachable: fc.subarray(['a', 'b', 'c']),
          notServing: fc.subarray(['a', 'b', 'c']),
        }),
        ({ known, holder, expiresIn, unreachable, notServing }) => {
          const lease =
            holder === undefined
              ? undefined
              : { name: 'w', holder, fencingToken: 3, expiresAt: now + expiresIn };
          const route = decideWriteRoute({
            lease: 'w',
            state: { known, lease },
            now,
            reachable: (s) => !unreachable.includes(s),
            serving: (s) => !notServing.includes(s),
          });
          if (route.type === 'refuse')
            return route.retryAfterSeconds >= 1 && route.retryAfterSeconds <= 60;
          return (
            known &&
            lease !== undefined &&
            route.site === lease.holder &&
            expiresIn > 0 &&
            !unreachable.includes(route.site) &&
            !notServing.includes(route.site)
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
