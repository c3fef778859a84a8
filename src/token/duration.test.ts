import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { CausewayError, hasCode } from '../errors/index.js';
import { parseDuration } from './index.js';

describe('parseDuration', () => {
  it('reads single and compound durations', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration(' 1d2h3m4s\n'), 93_784_000);
  });

  it('rejects other input, naming the value and the accepted forms', () => {
    for (const text of [
      '',
      '15',
      'm',
      '15M',
      '1.5h',
      '-1m',
      '30m1h',
      '1h1h',
      '0s',
      '15 m',
      '1w',
      '9999999999s',
    ]) {
      assert.throws(
        () => parseDuration(text),
        (err) =>
          hasCode(err, 'CW_INPUT_INVALID') &&
          (err as Error).message.includes(JSON.stringify(text)) &&
          /15m/.test((err as Error).message),
        text,
      );
    }
  });

  it('returns a positive whole number of milliseconds or throws CW_INPUT_INVALID for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{1,3}[dhms]{1,2}$/)), (text) => {
        try {
          const ms = parseDuration(text);
          return Number.isSafeInteger(ms) && ms > 0 && ms % 1000 === 0;
        } catch (err) {
          return err instanceof CausewayError && err.code === 'CW_INPUT_INVALID';
        }
      }),
    );
  });
});
