import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { directPath, networkChange, type PathNetwork } from './direct-path.js';

const net = (pods: string[], more: Partial<PathNetwork> = {}): PathNetwork => ({
  pods,
  services: [],
  routable: true,
  domain: 'transit',
  ...more,
});

describe('directPath', () => {
  const east = net(['10.1.0.0/16'], { services: ['10.96.0.0/16'] });

  it('is direct only when declared on both sides and confirmed by a probe', () => {
    const west = net(['10.2.0.0/16'], { services: ['10.96.0.0/16'] });
    assert.deepEqual(directPath(east, west, 'up'), {
      mode: 'direct',
      reason: 'routed, and a remote Pod answered the probe',
    });
    assert.equal(directPath(east, west, 'unknown').mode, 'router');
    assert.equal(directPath(east, west, 'down').reason, 'the probe of a remote Pod failed');
    assert.equal(directPath(east, { ...west, routable: false }, 'up').mode, 'router');
    assert.equal(directPath({ ...east, routable: false }, west, 'up').mode, 'router');
    assert.match(directPath(east, { ...west, domain: 'other' }, 'up').reason, /domains differ/);
    assert.equal(directPath(east, undefined, 'up').mode, 'router');
  });

  it('overlapping pods, or a remote pod CIDR inside a Service CIDR here, keep the router', () => {
    assert.equal(
      directPath(east, net(['10.1.0.0/16']), 'up').reason,
      'pod CIDRs overlap: 10.1.0.0/16 and 10.1.0.0/16',
    );
    assert.match(directPath(east, net(['10.96.0.0/24']), 'up').reason, /Service CIDR here/);
    assert.match(
      directPath(east, net(['10.2.0.0/16'], { services: ['10.1.0.0/24'] }), 'up').reason,
      /remote Service CIDR/,
    );
  });

  it('an unsettled CIDR change keeps the router whatever the probe says', () => {
    assert.equal(directPath(east, net(['10.2.0.0/16']), 'up', 'changed').mode, 'router');
  });

  it('property: hostile CIDR text from a peer never throws and never yields direct without a probe', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.constantFrom('unknown', 'down', 'up' as const),
        (pods, services, probe) => {
          const got = directPath(east, net(pods, { services }), probe);
          if (probe !== 'up') assert.equal(got.mode, 'router');
        },
      ),
    );
  });
});

describe('networkChange', () => {
  it('tells a change of pod or Service CIDRs, not a reordering or a first advert', () => {
    assert.equal(networkChange('west', undefined, net(['10.2.0.0/16'])), undefined);
    assert.equal(
      networkChange(
        'west',
        net(['10.2.0.0/16', '10.3.0.0/16']),
        net(['10.3.0.0/16', '10.2.0.0/16']),
      ),
      undefined,
    );
    assert.equal(
      networkChange('west', net(['10.2.0.0/16']), net(['10.4.0.0/16'])),
      'site west changed its CIDRs from pods [10.2.0.0/16] services [] to pods [10.4.0.0/16] services []',
    );
  });
});
