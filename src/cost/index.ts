// Cost: what crosses zones and regions and what it costs. Accounting of Causeway's own flows
// (subscribed to `causeway:flow:close`, priced by a table of list prices or the site's own),
// the report `causeway cost` and the console read, and the analysis of cloud flow logs for
// traffic that never crossed Causeway. May import errors/, config/, observability/ and api/ (shapes).
export { CostAccounting, type CostAccountingDeps } from './cost-accounting.js';
export { buildCostReport, type CostReportInput } from './cost-report.js';
export { flowTransfers, type FlowTransfers } from './flow-transfers.js';
export {
  BYTES_PER_GB,
  LIST_PRICES,
  crossingOf,
  priceTableOf,
  pricePerGb,
  transferCost,
  type Crossing,
  type PriceTable,
  type TransferRate,
} from './price-table.js';
export { TransferLedger, type LocalityOutcome, type Transfer } from './transfer-ledger.js';
export { analyzeFlowLogs, type FlowLogQuery } from './flow-logs/analyze-flow-logs.js';
export {
  DEFAULT_FLOW_LOG_FORMAT,
  FLOW_LOG_FIELDS,
  parseFlowLogHeader,
  type FlowLogField,
  type FlowLogFormat,
} from './flow-logs/flow-log-format.js';
export type { FlowLogReport, FlowLogTalker, FlowLogZonePair } from './flow-logs/flow-log-report.js';
export { ipv4Number, parseSubnetMap, type SubnetZone } from './flow-logs/subnet-map.js';
