// The local API: the router's management server on its unix socket, the client the CLI and the
// controller use, the services feed behind `/v1/services?watch=1`, and the data types both sides speak. May import errors/, config/, observability/
// and mcs/ (for shapes); never router/: the server is handed an ApiBackend.
export { ApiServer, type ApiBackend } from './api-server.js';
export { ApiClient } from './api-client.js';
export { ServicesFeed } from './services-feed.js';
export type {
  CostGrouping,
  CostReport,
  CostRow,
  DrainResult,
  LeaseReport,
  PartitionReport,
  PortListener,
  RuntimeInfo,
  ServiceView,
  ServicesSnapshot,
  StatusReport,
  ZonePlace,
} from './api-types.js';
