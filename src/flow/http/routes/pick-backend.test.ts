import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpRouteConfig } from '../../../config/index.js';
import { compileRoutes } from './compile-routes.js';
import { pickBackend } from './pick-backend.js';
import { seededRandom } from '../../../policy/index.js';

const route = HttpRouteConfig.parse({
  name: 'r',
  service: 'web',
  namespace: 'shop',
  subsets: [{ name: 'canary', regions: ['us'] }],
  rules: [
    {
      backends: [
        { site: 'eu-west', weight: 3 },
        { subset: 'canary', weight: 1 },
      ],
    },
  ],
});
const rule = compileRoutes([route]).get('shop/web')?.[0];

describe('pickBackend', () => {
  it('draws backends in proportion to their weights', () => {
    const random = seededRandom(7);
    let eu = 0;
    for (let i = 0; i < 4000; i++) {
      const choice = pickBackend(rule, random, () => true);
      if (choice.type === 'only' && choice.label === 'eu-west') eu += 1;
    }
    // 3:1 → 3000 expected; 4.5 standard deviations is 123.
    assert.ok(Math.abs(eu - 3000) < 123, `eu-west drew ${eu} of 4000`);
  });

  it('a subset takes endpoints by site, zone or region', () => {
    const choice = pickBackend(
      rule,
      () => 0.99,
      () => true,
    );
    assert.equal(choice.type, 'only');
    assert.ok(choice.type === 'only' && choice.allows({ site: 'x', region: 'us' }));
    assert.ok(choice.type === 'only' && !choice.allows({ site: 'eu-west', region: 'eu' }));
  });

  it('leaves out a backend without endpoints, and allows nothing when none has any', () => {
    const onlyCanary = pickBackend(
      rule,
      () => 0,
      (c) => c.type === 'only' && c.label === 'canary',
    );
    assert.ok(onlyCanary.type === 'only' && onlyCanary.label === 'canary');
    const none = pickBackend(
      rule,
      () => 0,
      () => false,
    );
    assert.ok(none.type === 'only' && !none.allows({ site: 'eu-west' }));
  });

  it('without a rule or backends, any endpoint', () => {
    assert.deepEqual(
      pickBackend(
        undefined,
        () => 0,
        () => true,
      ),
      { type: 'any' },
    );
  });
});
