import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../../errors/index.js';
import { ipv4Number, parseSubnetMap } from './subnet-map.js';

describe('parseSubnetMap', () => {
  it('reads cidr,zone lines with a header, comments and blank lines', () => {
    const map = parseSubnetMap(
      'cidr,zone\n# vpc-1\n10.0.1.0/24,use1-az1\n\n10.0.2.77/23 , use1-az2\r\n',
      'm',
    );
    assert.deepEqual(
      map.map((s) => [s.first, s.last, s.zone]),
      [
        [ipv4Number('10.0.1.0'), ipv4Number('10.0.1.255'), 'use1-az1'],
        [ipv4Number('10.0.2.0'), ipv4Number('10.0.3.255'), 'use1-az2'],
      ],
    );
  });

  it('names the line that is not cidr,zone', () => {
    assert.throws(() => parseSubnetMap('10.0.1.0/24,a\n10.0.300.0/24,b', 'm.csv'), /m\.csv:2:/);
    assert.throws(() => parseSubnetMap('10.0.1.0/33,a', 'm.csv'), /m\.csv:1:/);
    assert.throws(() => parseSubnetMap('10.0.1.0/24', 'm.csv'), /is not "cidr,zone"/);
  });

  it('puts every address of a subnet in its range, and its neighbours out of it', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, bits) => {
        const [s] = parseSubnetMap(`${ip}/${bits},z`, 'm');
        const n = ipv4Number(ip) ?? -1;
        assert.ok(s !== undefined && s.first <= n && n <= s.last);
        assert.equal(s.last - s.first + 1, 2 ** (32 - bits));
        assert.equal(s.first % 2 ** (32 - bits), 0);
      }),
    );
  });

  it('answers hostile text with a map or an input error, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        try {
          for (const s of parseSubnetMap(text, 'm')) assert.ok(s.first <= s.last);
        } catch (err) {
          assert.ok(err instanceof CausewayError && err.code === 'CW_INPUT_INVALID', String(err));
        }
      }),
    );
  });

  it('reads dotted quads only', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => assert.equal(ipv4Number(ip) !== undefined, true)));
    for (const bad of ['1.2.3', '1.2.3.256', '::1', '1.2.3.4.5', '01.2.3.-4', ''])
      assert.equal(ipv4Number(bad), undefined, bad);
  });
});
