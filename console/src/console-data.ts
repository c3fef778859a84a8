// The shapes the console's server sends: type-only imports, so nothing of the server is bundled.
export type { ConsoleSnapshot, ConsoleUpdate, CostReport } from '../../src/console/index.js';
export type { StatusReport, ServiceView, TrafficReport } from '../../src/api/index.js';
