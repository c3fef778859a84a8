export { Router, type RuntimeInfo } from './router.js';
export type { ServiceView, StatusReport } from './status-report.js';
export type { ServicesSnapshot } from './services-feed.js';
