// The web console: its HTTP server (the bundled pages from console/, and the data they read from
// the router's local API, refreshed over server-sent events), the token that guards it and the
// cost view read from the router's metrics. May import api/, errors/, site-files/ (paths) and
// observability/ (logger).
export { ConsoleServer, type ConsoleServerOptions } from './console-server.js';
export { newConsoleToken } from './console-token.js';
export { openConsole, readConsoleToken, type OpenConsole } from './open-console.js';
export type {
  ConsoleSnapshot,
  ConsoleSource,
  ConsoleUnavailable,
  ConsoleUpdate,
} from './console-snapshot.js';
export type { CostReport, CostRow } from './cost-report.js';
