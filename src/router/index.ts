// The router: wiring only. Builds one site's areas (link, flow, membership, routing, api) from its
// directory and connects their events; holds no protocol, file format or timer of its own. May
// import every area's index; nothing imports the router but the CLI and the Kubernetes controller.
export { Router, type RouterOptions } from './router.js';
export { listenerFailure } from '../errors/index.js';
