import type { HeaderEditsConfig, HttpRouteConfig, RouteRuleConfig } from '../../../config/index.js';

/** The parts of a request the rules look at, whichever HTTP version carried it. */
export interface RouteRequest {
  method: string;
  /** The request target as sent: path and query (`/api/v1?x=1`). */
  target: string;
  /** All values of a header (lower-case name), joined with ", " as RFC 9110 §5.3 allows; undefined when absent. */
  header(name: string): string | undefined;
}

/** A route rule ready to match: patterns compiled once, when the configuration changes. */
export interface CompiledRule {
  route: string;
  index: number;
  /** Only this service port; undefined: every HTTP port of the service. */
  port?: number;
  config: RouteRuleConfig;
  matches: CompiledMatch[];
  /** Sites of each named subset, resolved against the endpoints' places at choice time. */
  subsets: HttpRouteConfig['subsets'];
}

export interface CompiledMatch {
  path?: (path: string) => boolean;
  method?: string;
  headers: Array<{ name: string; test: (value: string) => boolean }>;
  query: Array<{ name: string; test: (value: string) => boolean }>;
}

export type HeaderEdits = HeaderEditsConfig;
