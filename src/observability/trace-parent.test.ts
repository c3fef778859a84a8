import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { traceIdOf } from './trace-parent.js';

const hex = (n: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

describe('traceIdOf', () => {
  it("takes the trace id of the spec's example and refuses its invalid forms", () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.equal(traceIdOf(`00-${id}-00f067aa0ba902b7-01`), id);
    assert.equal(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`), null);
    assert.equal(traceIdOf(`00-${id}-0000000000000000-01`), null);
    assert.equal(traceIdOf(`ff-${id}-00f067aa0ba902b7-01`), null);
    assert.equal(traceIdOf(`00-${id.toUpperCase()}-00f067aa0ba902b7-01`), null);
    assert.equal(traceIdOf(`00-${id}-00f067aa0ba902b7-01-extra`), null);
    assert.equal(traceIdOf(`01-${id}-00f067aa0ba902b7-01-extra`), id);
    assert.equal(traceIdOf([`00-${id}-00f067aa0ba902b7-01`, 'x']), null);
    assert.equal(traceIdOf(undefined), null);
  });

  it('returns the trace id of every well-formed header', () => {
    fc.assert(
      fc.property(hex(32), hex(16), hex(2), (trace, parent, flags) => {
        fc.pre(!/^0+$/.test(trace) && !/^0+$/.test(parent));
        assert.equal(traceIdOf(`00-${trace}-${parent}-${flags}`), trace);
      }),
    );
  });

  it('answers hostile headers with a 32-hex-digit id or null, never throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (header) => {
        const id = traceIdOf(header);
        assert.ok(id === null || /^[0-9a-f]{32}$/.test(id));
      }),
    );
  });
});
