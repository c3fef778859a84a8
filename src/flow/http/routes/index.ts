// Routing rules of HTTP services: the typed, compiled form of site.yaml's `routes` (which a Gateway
// API translator fills too), matching a request to a rule, the weighted backend choice, header
// edits and the retry budget. Pure: no sockets, time injected. Used by the HTTP/1.1 and HTTP/2 ingress.
export { compileRoutes, MAX_MATCHED_INPUT, type RouteTable } from './compile-routes.js';
export { matchRule, splitTarget } from './match-rule.js';
export { pickBackend, type BackendChoice, type EndpointPlace } from './pick-backend.js';
export { editHeaderMap, editRawHeaders, type HeaderMap } from './edit-headers.js';
export { RetryBudget } from './retry-budget.js';
export { RouteRules, sitesOutsideBackend } from './route-rules.js';
export type { CompiledMatch, CompiledRule, HeaderEdits, RouteRequest } from './http-route.js';
