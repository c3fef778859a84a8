export { Router, type RuntimeInfo } from './router.js';
export type { StatusReport } from './status-report.js';
