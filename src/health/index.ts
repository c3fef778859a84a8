export { HealthChecker, type HealthTarget } from './health-checker.js';
export { probeBackend, type HealthCheck } from './health-probe.js';
