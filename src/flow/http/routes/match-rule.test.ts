import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpRouteConfig } from '../../../config/index.js';
import { compileRoutes } from './compile-routes.js';
import { matchRule } from './match-rule.js';
import type { RouteRequest } from './http-route.js';

function rulesOf(
  input: unknown,
): ReturnType<typeof compileRoutes> extends ReadonlyMap<string, infer R> ? R : never {
  const route = HttpRouteConfig.parse(input);
  return compileRoutes([route]).get(`${route.namespace}/${route.service}`) ?? [];
}

function request(
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): RouteRequest {
  return { method, target, header: (name) => headers[name] };
}

const base = { name: 'r', service: 'web', namespace: 'shop' };

describe('matchRule', () => {
  const rules = rulesOf({
    ...base,
    rules: [
      { matches: [{ path: { type: 'Exact', value: '/exact' } }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/api/' } }] },
      { matches: [{ path: { type: 'RegularExpression', value: '/v[0-9]+/.*' } }] },
      { matches: [{ headers: [{ type: 'Exact', name: 'X-Canary', value: '1' }] }] },
      { matches: [{ queryParams: [{ type: 'RegularExpression', name: 'user', value: 'a.*' }] }] },
      { matches: [{ method: 'DELETE' }] },
    ],
  });
  const index = (r: RouteRequest): number | undefined => matchRule(rules, r, 80)?.index;

  it('matches paths exactly, by prefix on segment boundaries, and by whole regular expression', () => {
    assert.equal(index(request('/exact')), 0);
    assert.equal(index(request('/exact/more')), undefined);
    assert.equal(index(request('/api')), 1);
    assert.equal(index(request('/api/users?x=1')), 1);
    assert.equal(index(request('/apix')), undefined);
    assert.equal(index(request('/v2/items')), 2);
    assert.equal(index(request('/x/v2/items')), undefined);
  });

  it('matches headers (names case-insensitively), query parameters and methods', () => {
    assert.equal(index(request('/', { 'x-canary': '1' })), 3);
    assert.equal(index(request('/', { 'x-canary': '2' })), undefined);
    assert.equal(index(request('/?user=alice')), 4);
    assert.equal(index(request('/?user=bob')), undefined);
    assert.equal(index(request('/', {}, 'DELETE')), 5);
  });

  it('a rule for one port leaves the others alone', () => {
    const only = rulesOf({ ...base, port: 8080, rules: [{}] });
    assert.equal(matchRule(only, request('/'), 8080)?.index, 0);
    assert.equal(matchRule(only, request('/'), 9090), undefined);
  });

  it('never throws on hostile targets, header values and query strings', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20_000, unit: 'binary' }),
        fc.string({ maxLength: 20_000, unit: 'binary' }),
        (target, value) => {
          const found = matchRule(rules, request(target, { 'x-canary': value }), 80);
          assert.ok(found === undefined || typeof found.index === 'number');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a long crafted input is not run through a pattern (linear cost)', () => {
    const regex = rulesOf({
      ...base,
      rules: [{ matches: [{ path: { type: 'RegularExpression', value: '/(a|aa)*b' } }] }],
    });
    assert.equal(matchRule(regex, request('/aab'), 80)?.index, 0);
    // The same shape past the bound would match too; it is not run through the pattern at all.
    assert.equal(matchRule(regex, request(`/${'a'.repeat(10_000)}b`), 80), undefined);
  });
});

describe('route schema', () => {
  it('refuses nested quantifiers, bad header names and CR/LF values, naming the field', () => {
    const bad = [
      [{ matches: [{ path: { type: 'RegularExpression', value: '(a+)+' } }] }, 'nest quantifiers'],
      [
        { matches: [{ headers: [{ type: 'Exact', name: 'bad name', value: 'x' }] }] },
        'header name',
      ],
      [{ requestHeaders: { set: { 'x-a': 'one\r\ntwo' } } }, 'CR, LF'],
      [{ backends: [{ subset: 'canary' }] }, 'subset canary is not defined'],
    ] as const;
    for (const [rule, message] of bad) {
      const result = HttpRouteConfig.safeParse({ ...base, rules: [rule] });
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error?.issues), new RegExp(message));
    }
  });
});
