import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../../errors/index.js';
import { DEFAULT_FLOW_LOG_FORMAT, FLOW_LOG_FIELDS, parseFlowLogHeader } from './flow-log-format.js';

const isInputError = (err: unknown): boolean =>
  err instanceof CausewayError && err.code === 'CW_INPUT_INVALID';

describe('parseFlowLogHeader', () => {
  it('reads the default format and a custom one with az-id and packet addresses', () => {
    assert.deepEqual(parseFlowLogHeader(DEFAULT_FLOW_LOG_FORMAT.join(' '), 'f').fields, [
      ...DEFAULT_FLOW_LOG_FORMAT,
    ]);
    const custom = parseFlowLogHeader('az-id pkt-srcaddr pkt-dstaddr bytes flow-direction\r', 'f');
    assert.ok(custom.has('az-id') && custom.has('flow-direction') && !custom.has('srcaddr'));
  });

  it('names an unknown field, a twice-named one, and what a format lacks', () => {
    assert.throws(
      () => parseFlowLogHeader('version srcaddr dstaddr octets', 'x.log'),
      /unknown field "octets"/,
    );
    assert.throws(() => parseFlowLogHeader('bytes bytes srcaddr dstaddr', 'x.log'), /bytes twice/);
    assert.throws(() => parseFlowLogHeader('srcaddr dstaddr packets', 'x.log'), /has no bytes/);
    assert.throws(() => parseFlowLogHeader('', 'x.log'), /not a flow-log header \(empty\)/);
  });

  it('accepts any order of known fields that has bytes and both ends', () => {
    const required = ['bytes', 'srcaddr', 'dstaddr'];
    const optional = FLOW_LOG_FIELDS.filter((f) => !required.includes(f));
    const orders = fc
      .subarray(optional)
      .chain((extra) =>
        fc.shuffledSubarray([...extra, ...required], { minLength: extra.length + 3 }),
      );
    fc.assert(
      fc.property(orders, (fields) => {
        assert.deepEqual(parseFlowLogHeader(fields.join(' '), 'f').fields, fields);
      }),
    );
  });

  it('refuses hostile first lines with an input error, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (line) => {
        try {
          const format = parseFlowLogHeader(line, 'f');
          assert.ok(format.has('bytes'));
        } catch (err) {
          assert.ok(isInputError(err), String(err));
        }
      }),
    );
  });
});
