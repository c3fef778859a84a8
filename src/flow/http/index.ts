// The HTTP variant of a flow: an import whose port speaks HTTP is served request by request (each
// request its own endpoint choice, reads and writes told apart, single-writer routing by lease,
// retries of idempotent requests, upgrades and CONNECT as tunnels). Imported by flow/ only.
export { HttpIngress, type HttpIngressDeps } from './http-ingress.js';
export { decideWriteRoute, type WriteRoute, type WriteRouteInput } from './write-route.js';
export { FencingHeader } from './http-headers.js';
