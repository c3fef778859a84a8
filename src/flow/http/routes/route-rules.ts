import type { HttpRouteConfig, ImportConfig } from '../../../config/index.js';
import { compileRoutes, type RouteTable } from './compile-routes.js';
import type { CompiledRule, RouteRequest } from './http-route.js';
import { matchRule } from './match-rule.js';
import { pickBackend, type EndpointPlace } from './pick-backend.js';

/** The rules in force: compiled again only when the configuration's route list changes. */
export class RouteRules {
  #compiled: { config: readonly HttpRouteConfig[]; table: RouteTable } | undefined;

  constructor(private readonly routes: () => readonly HttpRouteConfig[]) {}

  /** The rule a request of an import's port matches, if any. */
  match(config: ImportConfig, port: number, request: RouteRequest): CompiledRule | undefined {
    const routes = this.routes();
    if (routes.length === 0) return undefined;
    if (this.#compiled?.config !== routes)
      this.#compiled = { config: routes, table: compileRoutes(routes) };
    const rules = this.#compiled.table.get(`${config.namespace}/${config.name}`);
    return rules === undefined ? undefined : matchRule(rules, request, port);
  }
}

/**
 * The sites a request may not go to under `rule`: those outside the weighted backend drawn for
 * it (none without a rule). Sites are given with their places so subsets by zone or region work.
 */
export function sitesOutsideBackend(
  rule: CompiledRule | undefined,
  places: readonly EndpointPlace[],
  random: () => number,
): Set<string> {
  const choice = pickBackend(rule, random, (c) => c.type === 'any' || places.some(c.allows));
  if (choice.type === 'any') return new Set();
  return new Set(places.filter((p) => !choice.allows(p)).map((p) => p.site));
}
