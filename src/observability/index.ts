export { createLogger, type Logger } from './logger.js';
export { RouterMetrics } from './router-metrics.js';
export { FlowStats, type FlowCounts, type FlowSide } from './flow-stats.js';
export { FlowRecorder } from './flow-recorder.js';
