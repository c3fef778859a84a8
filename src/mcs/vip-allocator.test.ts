import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode } from '../errors/index.js';
import { formatIp, parseIp } from './ip-address.js';
import { VipAllocator } from './vip-allocator.js';

describe('VipAllocator', () => {
  it('gives a stable address from the default pool, the same in a fresh allocator', () => {
    const a = new VipAllocator();
    const vip = a.allocate('shop/web');
    assert.match(vip, /^127\.240\.\d+\.\d+$/);
    assert.equal(a.allocate('shop/web'), vip);
    assert.equal(
      new VipAllocator().allocate('shop/web'),
      vip,
      'the first choice depends only on the key',
    );
  });

  it('never hands out network, broadcast or .0 addresses, probes past collisions, and says when the pool is full', () => {
    const a = new VipAllocator({ ipv4Cidr: '10.9.0.0/23' });
    const vips = Array.from({ length: 509 }, (_, i) => a.allocate(`ns/svc-${i}`));
    assert.equal(new Set(vips).size, 509);
    assert.ok(
      vips.every((ip) => !ip.endsWith('.0') && ip !== '10.9.1.255' && ip.startsWith('10.9.')),
    );
    assert.throws(
      () => a.allocate('ns/one-too-many'),
      (err) => hasCode(err, 'CW_VIP_POOL_EXHAUSTED'),
    );
    a.release('ns/svc-3');
    assert.equal(a.allocate('ns/one-too-many'), vips[3]);
  });

  it('skips only the network address of a small IPv4 pool that does not start at .0', () => {
    const a = new VipAllocator({ ipv4Cidr: '10.0.0.128/30' });
    assert.deepEqual([a.allocate('a'), a.allocate('b')].sort(), ['10.0.0.129', '10.0.0.130']);
    assert.throws(
      () => a.allocate('c'),
      (err) => hasCode(err, 'CW_VIP_POOL_EXHAUSTED'),
    );
  });

  it('rejects bad CIDRs', () => {
    for (const cidr of [
      '10.0.0.0',
      '10.0.0.1/16',
      '300.0.0.0/16',
      '10.0.0.0/31',
      '10.0.0.0/4',
      '10.0.0.0/16/1',
      'fd00::/16x',
      '010.0.0.0/16',
    ]) {
      assert.throws(
        () => new VipAllocator({ ipv4Cidr: cidr }),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
        cidr,
      );
    }
    assert.throws(
      () => new VipAllocator({ ipv6Cidr: '10.0.0.0/16' }),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });

  it('allocates one address per family in ipFamilies order, and none for Headless', () => {
    const a = new VipAllocator({ ipv6Cidr: 'fd00:cafe::/64' });
    const ips = a.allocateFor({
      name: 'web',
      namespace: 'shop',
      type: 'ClusterSetIP',
      ipFamilies: ['IPv6', 'IPv4'],
    });
    assert.equal(ips.length, 2);
    assert.equal(parseIp(ips[0] ?? '').family, 'IPv6');
    assert.match(ips[0] ?? '', /^fd00:cafe:/);
    assert.equal(parseIp(ips[1] ?? '').family, 'IPv4');
    assert.deepEqual(
      a.allocateFor({ name: 'db', namespace: 'shop', type: 'Headless', ipFamilies: ['IPv4'] }),
      [],
    );
    assert.throws(
      () => new VipAllocator().allocate('shop/web', 'IPv6'),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });

  it('round-trips through a JSON snapshot and refuses snapshots that do not fit its pools', () => {
    const a = new VipAllocator({ ipv6Cidr: 'fd00::/64' });
    const keys = ['shop/web', 'shop/db', 'ops/grafana'];
    for (const key of keys) a.allocate(key);
    a.allocate('shop/web', 'IPv6');
    const json: unknown = JSON.parse(JSON.stringify(a.snapshot()));
    const b = new VipAllocator({ ipv6Cidr: 'fd00::/64' });
    b.restore(json);
    assert.deepEqual(b.snapshot(), a.snapshot());
    assert.equal(b.lookup('shop/web', 'IPv6'), a.lookup('shop/web', 'IPv6'));

    const other = new VipAllocator({ ipv4Cidr: '10.0.0.0/16' });
    assert.throws(
      () => other.restore(json),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
    assert.equal(
      other.snapshot().allocations['shop/web'],
      undefined,
      'a failed restore changes nothing',
    );
    const dup = {
      version: 1,
      ipv4Cidr: '127.240.0.0/16',
      allocations: { a: { IPv4: '127.240.0.5' }, b: { IPv4: '127.240.0.5' } },
    };
    assert.throws(
      () => new VipAllocator().restore(dup),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
    assert.throws(
      () => new VipAllocator().restore({ version: 2 }),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });
});

describe('parseIp / formatIp', () => {
  it('formats IPv6 the RFC 5952 way', () => {
    assert.equal(formatIp(parseIp('FD00:0:0:0:0:0:0:1')), 'fd00::1');
    assert.equal(formatIp(parseIp('1:0:0:1:0:0:0:1')), '1:0:0:1::1');
    assert.equal(formatIp(parseIp('1:0:1:1:1:1:1:1')), '1:0:1:1:1:1:1:1');
    assert.equal(formatIp(parseIp('::')), '::');
  });

  it('round-trips any address', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => assert.equal(formatIp(parseIp(ip)), ip)));
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        if (ip.includes('.')) return; // embedded IPv4 tails are not accepted
        const canonical = formatIp(parseIp(ip));
        assert.equal(parseIp(canonical).value, parseIp(ip).value);
        assert.equal(formatIp(parseIp(canonical)), canonical);
      }),
    );
  });

  it('rejects what is not an address', () => {
    for (const text of [
      '',
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      '1:2:3:4:5:6:7::8',
    ]) {
      assert.throws(
        () => parseIp(text),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
        text,
      );
    }
  });
});
