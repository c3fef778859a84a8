export { Router, type RuntimeInfo } from './router.js';
export { listenerFailure } from './listener-failure.js';
export type { ServiceView, StatusReport } from './status-report.js';
export type { ServicesSnapshot } from './services-feed.js';
