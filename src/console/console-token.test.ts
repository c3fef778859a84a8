import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cookieValue, newConsoleToken, sameToken } from './console-token.js';

describe('console token', () => {
  it('matches only the same token', () => {
    const token = newConsoleToken();
    assert.equal(sameToken(token, token), true);
    assert.equal(sameToken(`${token}x`, token), false);
    assert.equal(sameToken('', token), false);
    fc.assert(fc.property(fc.string(), (guess) => sameToken(guess, token) === (guess === token)));
  });

  it('finds a cookie among others and never throws on a hostile header', () => {
    assert.equal(cookieValue('a=1; causeway_console_80=tok; b=2', 'causeway_console_80'), 'tok');
    assert.equal(cookieValue('causeway_console_8=x', 'causeway_console_80'), undefined);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        const value = cookieValue(header, 'causeway_console_80');
        assert.ok(value === undefined || header.includes(value));
      }),
    );
  });
});
