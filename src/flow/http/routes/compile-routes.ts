import type { HttpRouteConfig, RouteMatchConfig } from '../../../config/index.js';
import type { CompiledMatch, CompiledRule } from './http-route.js';

/**
 * Longest input a pattern is run on: patterns are checked for nested quantifiers, and the bound
 * keeps the cost of the rest linear in a size the router chooses, not the client.
 */
export const MAX_MATCHED_INPUT = 8_192;

/** The rules of every route, by `namespace/service`, in order (first match wins). */
export type RouteTable = ReadonlyMap<string, readonly CompiledRule[]>;

/** Compiles routes once per configuration: patterns become functions, rules are grouped by service. */
export function compileRoutes(routes: readonly HttpRouteConfig[]): RouteTable {
  const table = new Map<string, CompiledRule[]>();
  for (const route of routes) {
    const key = `${route.namespace}/${route.service}`;
    const rules = table.get(key) ?? [];
    for (const [index, rule] of route.rules.entries())
      rules.push({
        route: route.name,
        index,
        config: rule,
        matches: rule.matches.map(compileMatch),
        subsets: route.subsets,
        ...(route.port === undefined ? {} : { port: route.port }),
      });
    table.set(key, rules);
  }
  return table;
}

function compileMatch(match: RouteMatchConfig): CompiledMatch {
  return {
    ...(match.path === undefined ? {} : { path: pathTest(match.path) }),
    ...(match.method === undefined ? {} : { method: match.method }),
    headers: match.headers.map((h) => ({ name: h.name.toLowerCase(), test: valueTest(h) })),
    query: match.queryParams.map((q) => ({ name: q.name, test: valueTest(q) })),
  };
}

function pathTest(path: NonNullable<RouteMatchConfig['path']>): (path: string) => boolean {
  switch (path.type) {
    case 'Exact':
      return (p) => p === path.value;
    case 'PathPrefix':
      return prefixTest(path.value);
    case 'RegularExpression':
      return anchoredTest(path.value);
  }
}

/**
 * Gateway API prefix semantics: `/api` matches `/api` and `/api/x`, not `/apix`; a trailing
 * slash in the prefix is ignored.
 */
function prefixTest(prefix: string): (path: string) => boolean {
  const base = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (base === '/') return () => true;
  return (p) => p === base || (p.startsWith(base) && p[base.length] === '/');
}

function valueTest(m: {
  type: 'Exact' | 'RegularExpression';
  value: string;
}): (v: string) => boolean {
  return m.type === 'Exact' ? (v) => v === m.value : anchoredTest(m.value);
}

/** A regular expression matches the whole value (as Envoy's and the Gateway API's do). */
function anchoredTest(source: string): (v: string) => boolean {
  const re = new RegExp(`^(?:${source})$`);
  return (v) => v.length <= MAX_MATCHED_INPUT && re.test(v);
}
