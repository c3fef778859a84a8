export { HealthChecker, type HealthTarget } from './health-checker.js';
export { probeBackend, type HealthCheck } from './health-probe.js';
export {
  DEFAULT_OUTLIER_OPTIONS,
  OutlierDetector,
  type OutlierOptions,
} from './outlier-detector.js';
