// Observability: the event catalogue on node:diagnostics_channel (causeway:flow|link|lease:*),
// the publishers' helpers, and the subscribers that turn events into Prometheus metrics and the
// `status` counts; the logger. Imports transport/ (reset code names) only.
export { createLogger, type Logger } from './logger.js';
export { RouterMetrics } from './router-metrics.js';
export { FlowStats, type FlowCounts, type FlowSide } from './flow-stats.js';
export { FlowRecorder, type FlowRoute, type FlowTicket } from './flow-recorder.js';
export { subscribeRouterMetrics } from './metrics-subscriber.js';
export {
  CausewayChannel,
  causewayChannels,
  publishEvent,
  subscribeEvent,
  type FlowCloseEvent,
  type FlowOpenEvent,
  type FlowProtocol,
  type FlowRetryEvent,
  type HttpRequestEvent,
  type LeaseChangeEvent,
  type LinkDownEvent,
  type LinkUpEvent,
  type SitePlace,
  type UdpDropEvent,
  type UdpDropReason,
} from './causeway-events.js';
export {
  LATENCY_BOUNDS_MS,
  TrafficRing,
  subscribeTraffic,
  type TrafficPoint,
  type TrafficReport,
  type TrafficSeries,
} from './traffic-ring.js';
export { traceIdOf } from './trace-parent.js';
export { registerCertificateExpiry } from './certificate-expiry.js';
