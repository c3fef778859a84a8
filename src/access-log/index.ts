// Access logs: one structured line per flow and per HTTP request (sites, service, bytes each way,
// duration, outcome, trace id), to stdout or a file, complete or sampled (site.yaml `accessLog:`).
// Subscribes to `causeway:flow:close` and `causeway:http:request`. May import config/ and observability/.
export { AccessLog, type AccessLogDeps } from './access-log.js';
export { flowLine, requestLine, type AccessLogLine } from './access-log-line.js';
