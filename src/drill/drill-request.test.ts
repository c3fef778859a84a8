import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  checkMembers,
  parseBetween,
  parseMilliseconds,
  parsePercent,
  parseSiteList,
} from './drill-request.js';

const inputError = (flag: string) => (err: unknown) =>
  err instanceof CausewayError &&
  err.code === ErrorCode.InputInvalid &&
  err.message.startsWith(`${flag}:`) &&
  err.hint !== undefined;

describe('drill flags', () => {
  it('reads sites, pairs, delays and shares', () => {
    assert.deepEqual(parseSiteList('--isolate', 'eu-west, ap-south'), ['eu-west', 'ap-south']);
    assert.deepEqual(parseBetween('us-east,eu-west'), ['us-east', 'eu-west']);
    assert.equal(parseMilliseconds('--add', '150ms'), 150);
    assert.equal(parseMilliseconds('--add', '1s'), 1_000);
    assert.equal(parsePercent('2.5'), 2.5);
  });

  it('names the flag and gives a hint for what it refuses', () => {
    assert.throws(() => parseSiteList('--isolate', 'EU,'), inputError('--isolate'));
    assert.throws(() => parseSiteList('--isolate', 'eu,eu'), inputError('--isolate'));
    assert.throws(() => parseBetween('eu'), inputError('--between'));
    assert.throws(() => parseBetween('eu,us,ap'), inputError('--between'));
    assert.throws(() => parseMilliseconds('--add', '2s'), inputError('--add'));
    assert.throws(() => parseMilliseconds('--jitter', '-5ms'), inputError('--jitter'));
    assert.throws(() => parsePercent('0'), inputError('--percent'));
    assert.throws(() => parsePercent('101'), inputError('--percent'));
    assert.throws(() => checkMembers('--site', ['mars'], ['eu', 'us']), inputError('--site'));
  });

  it('accepts or refuses hostile input with a typed error, never anything else', () => {
    const parsers = [
      (t: string) => parseSiteList('--isolate', t),
      (t: string) => parseBetween(t),
      (t: string) => parseMilliseconds('--add', t),
      (t: string) => parsePercent(t),
    ];
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 3 }), (text, k) => {
        try {
          const value = parsers[k]?.(text);
          if (typeof value === 'number') assert.ok(Number.isFinite(value) && value >= 0);
        } catch (err) {
          assert.ok(err instanceof CausewayError && err.code === ErrorCode.InputInvalid);
        }
      }),
    );
  });

  it('a delay it accepts is what was written, within the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), (ms) => {
        assert.equal(parseMilliseconds('--add', `${ms}ms`), ms);
      }),
    );
  });
});
