// The local API: the router's management server on its unix socket, the client the CLI and the
// controller use, the services feed behind `/v1/services?watch=1`, and the data types both sides speak. May import errors/, config/, observability/
// and mcs/ (for shapes); never router/: the server is handed an ApiBackend.
export { ApiServer, trafficRange, type ApiBackend } from './api-server.js';
export { ApiClient } from './api-client.js';
export { ServicesFeed } from './services-feed.js';
export type {
  DirectView,
  CostGrouping,
  CostReport,
  CostRow,
  DrainResult,
  DrillReport,
  DrillView,
  LeaseReport,
  PartitionReport,
  PolicyView,
  PortListener,
  RuntimeInfo,
  ServiceView,
  ServicesSnapshot,
  StatusReport,
  TrafficPoint,
  TrafficReport,
  TrafficSeries,
  ZonePlace,
} from './api-types.js';
