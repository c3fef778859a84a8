import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mayBindPrivileged, unprivilegedPortStart } from './privileged-ports.js';

const status = (capEff: string): string =>
  `Name:\tnode\nUid:\t65532\t65532\t65532\t65532\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

describe('privileged ports', () => {
  it('tells CAP_NET_BIND_SERVICE (bit 10) in CapEff', () => {
    assert.equal(
      mayBindPrivileged(() => status('0000000000000000')),
      false,
      'all capabilities dropped',
    );
    assert.equal(
      mayBindPrivileged(() => status('0000000000000400')),
      true,
      'only NET_BIND_SERVICE',
    );
    assert.equal(
      mayBindPrivileged(() => status('000001ffffffffff')),
      true,
      'root with the default set',
    );
    assert.equal(
      mayBindPrivileged(() => status('00000000a80425fb')),
      true,
      "a container runtime's default set",
    );
  });

  it('reads the unprivileged port start, 1024 when unreadable', () => {
    assert.equal(
      unprivilegedPortStart(() => '0\n'),
      0,
    );
    assert.equal(
      unprivilegedPortStart(() => '1024\n'),
      1024,
    );
    assert.equal(
      unprivilegedPortStart(() => ''),
      1024,
    );
  });

  it('never throws on hostile /proc text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        assert.equal(typeof mayBindPrivileged(() => text), 'boolean');
        const start = unprivilegedPortStart(() => text);
        assert.ok(Number.isInteger(start) && start >= 0 && start <= 65536);
      }),
    );
  });
});
