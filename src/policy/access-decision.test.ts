import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrContains, decideAccess } from './access-decision.js';

describe('service access decisions (allow-only)', () => {
  it('admits everyone without a policy and nobody with an empty one', () => {
    assert.deepEqual(decideAccess(undefined, { site: 'a' }), { allowed: true });
    assert.deepEqual(decideAccess([], { site: 'a' }), {
      allowed: false,
      reason: 'site-not-allowed',
    });
  });

  it('admits a listed site, or only its listed client blocks', () => {
    const rules = [{ site: 'a' }, { site: 'b', sources: ['10.1.0.0/16', 'fd00::/64'] }];
    assert.equal(decideAccess(rules, { site: 'a', address: '192.0.2.1' }).allowed, true);
    assert.equal(decideAccess(rules, { site: 'b', address: '10.1.2.3' }).allowed, true);
    assert.equal(decideAccess(rules, { site: 'b', address: '::ffff:10.1.2.3' }).allowed, true);
    assert.equal(decideAccess(rules, { site: 'b', address: 'fd00::9' }).allowed, true);
    assert.deepEqual(decideAccess(rules, { site: 'b', address: '10.2.0.1' }), {
      allowed: false,
      reason: 'source-not-allowed',
    });
    assert.deepEqual(decideAccess(rules, { site: 'b' }), {
      allowed: false,
      reason: 'source-unverified',
    });
    assert.deepEqual(decideAccess(rules, { site: 'c', address: '10.1.2.3' }), {
      allowed: false,
      reason: 'site-not-allowed',
    });
  });

  it('never admits a site no rule names, whatever the address', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ site: fc.constantFrom('a', 'b'), sources: fc.constant(undefined) })),
        fc.string(),
        (rules, address) => !decideAccess(rules, { site: 'z', address }).allowed,
      ),
    );
  });

  it('matches CIDRs like the prefix arithmetic says, and hostile text matches nothing', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const toInt = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const net = (toInt(ip) & mask) >>> 0;
        const text = [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
        return cidrContains(`${text}/${prefix}`, ip);
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (c, a) => typeof cidrContains(c, a) === 'boolean'),
    );
  });
});
