import type { CompiledMatch, CompiledRule, RouteRequest } from './http-route.js';

/** The first rule whose matches accept the request (a rule without matches takes every request). */
export function matchRule(
  rules: readonly CompiledRule[],
  request: RouteRequest,
  port: number,
): CompiledRule | undefined {
  if (rules.length === 0) return undefined;
  const { path, query } = splitTarget(request.target);
  return rules.find(
    (rule) =>
      (rule.port === undefined || rule.port === port) &&
      (rule.matches.length === 0 || rule.matches.some((m) => matches(m, request, path, query))),
  );
}

function matches(
  match: CompiledMatch,
  request: RouteRequest,
  path: string,
  query: URLSearchParams | undefined,
): boolean {
  if (match.method !== undefined && match.method !== request.method) return false;
  if (match.path !== undefined && !match.path(path)) return false;
  for (const h of match.headers) {
    const value = request.header(h.name);
    if (value === undefined || !h.test(value)) return false;
  }
  for (const q of match.query) {
    // The first value of a repeated parameter is the one compared (as the Gateway API says).
    const value = query?.get(q.name) ?? null;
    if (value === null || !q.test(value)) return false;
  }
  return true;
}

/** `/a/b?x=1#f` → path `/a/b` and its query; a target that is not origin-form matches no path rule. */
export function splitTarget(target: string): { path: string; query: URLSearchParams | undefined } {
  const hash = target.indexOf('#');
  const bare = hash === -1 ? target : target.slice(0, hash);
  const mark = bare.indexOf('?');
  if (mark === -1) return { path: bare, query: undefined };
  return { path: bare.slice(0, mark), query: new URLSearchParams(bare.slice(mark + 1)) };
}
