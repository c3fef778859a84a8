import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { isValidSiteId } from './index.js';

describe('isValidSiteId', () => {
  it('accepts DNS-1123 subdomains', () => {
    for (const id of [
      'a',
      'eu-west',
      'site1.eu',
      '0',
      'a'.repeat(63),
      `${'a'.repeat(63)}.${'b'.repeat(63)}`,
    ]) {
      assert.equal(isValidSiteId(id), true, id);
    }
  });

  it('rejects everything else', () => {
    const bad = [
      '',
      'EU',
      '-a',
      'a-',
      'a..b',
      '.a',
      'a.',
      'a_b',
      'a b',
      'a/b',
      'é',
      'a'.repeat(64),
      'a.'.repeat(127) + 'ab',
    ];
    for (const id of bad) assert.equal(isValidSiteId(id), false, id);
  });

  it('accepts any generated domain name', () => {
    fc.assert(fc.property(fc.domain(), (d) => isValidSiteId(d)));
  });

  it('never accepts a string containing characters outside [a-z0-9.-]', () => {
    fc.assert(fc.property(fc.string(), (s) => !/[^a-z0-9.-]/.test(s) || !isValidSiteId(s)));
  });
});
