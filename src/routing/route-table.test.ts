import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeRoutes, type SiteLinks } from './route-table.js';

const mesh = (edges: Array<[string, string, number]>): SiteLinks[] => {
  const by = new Map<string, Array<{ peer: string; cost: number }>>();
  for (const [a, b, cost] of edges) {
    by.set(a, [...(by.get(a) ?? []), { peer: b, cost }]);
    by.set(b, [...(by.get(b) ?? []), { peer: a, cost }]);
  }
  return [...by].map(([site, links]) => ({ site, links }));
};

describe('computeRoutes', () => {
  it('routes spokes through the hub', () => {
    const routes = computeRoutes(
      'spoke-1',
      mesh([
        ['hub', 'spoke-1', 1],
        ['hub', 'spoke-2', 1],
        ['hub', 'spoke-3', 1],
      ]),
    );
    assert.deepEqual(routes.get('spoke-3'), { site: 'spoke-3', nextHop: 'hub', cost: 2, hops: 2 });
    assert.equal(routes.get('hub')?.nextHop, 'hub');
  });

  it('follows a chain', () => {
    const routes = computeRoutes(
      'a',
      mesh([
        ['a', 'b', 1],
        ['b', 'c', 1],
        ['c', 'd', 1],
      ]),
    );
    assert.deepEqual(routes.get('d'), { site: 'd', nextHop: 'b', cost: 3, hops: 3 });
  });

  it('prefers the cheaper path over the shorter one', () => {
    const routes = computeRoutes(
      'a',
      mesh([
        ['a', 'c', 10],
        ['a', 'b', 1],
        ['b', 'c', 1],
      ]),
    );
    assert.deepEqual(routes.get('c'), { site: 'c', nextHop: 'b', cost: 2, hops: 2 });
  });

  it('ignores a link only one end still reports', () => {
    const sites: SiteLinks[] = [
      { site: 'a', links: [{ peer: 'b', cost: 1 }] },
      { site: 'b', links: [{ peer: 'c', cost: 1 }] },
      { site: 'c', links: [{ peer: 'b', cost: 1 }] },
    ];
    assert.equal(computeRoutes('a', sites).size, 0);
  });

  it('never routes through itself and every next hop is a neighbour (property)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...names),
            fc.constantFrom(...names),
            fc.integer({ min: 1, max: 20 }),
          ),
          { maxLength: 15 },
        ),
        (edges) => {
          const graph = mesh(edges.filter(([x, y]) => x !== y));
          const routes = computeRoutes('a', graph);
          const direct = new Set(graph.find((s) => s.site === 'a')?.links.map((l) => l.peer) ?? []);
          for (const route of routes.values()) {
            assert.notEqual(route.site, 'a');
            assert.ok(direct.has(route.nextHop), `next hop ${route.nextHop} is not a neighbour`);
            assert.ok(route.cost >= route.hops);
          }
        },
      ),
    );
  });

  it('routes 1,000 spokes through one hub', () => {
    const edges: Array<[string, string, number]> = [];
    for (let i = 0; i < 1000; i++) edges.push(['hub', `s${i}`, 1]);
    const routes = computeRoutes('s1', mesh(edges));
    assert.equal(routes.size, 1000);
    assert.equal(routes.get('s999')?.nextHop, 'hub');
  });
});
