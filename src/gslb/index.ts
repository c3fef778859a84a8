// Global load balancing: authoritative DNS for user zones, answering from the clusterset's health.
// Owns the GSLB file, the choice strategies and the GSLB DNS server; reads routers only through `api`,
// and reuses the wire helpers of `dns`.
export { answerGslbQuery, NEGATIVE_TTL, type GslbAnswer } from './answer-gslb-query.js';
export {
  chooseTargets,
  regionOfTarget,
  type Choice,
  type ChoiceContext,
  type GslbClient,
} from './choose-targets.js';
export {
  ECS_OPTION_CODE,
  encodeClientSubnet,
  parseClientSubnet,
  type ClientSubnet,
  type ClientSubnetParse,
} from './client-subnet.js';
export {
  GslbConfig,
  GslbRecord,
  GslbTarget,
  HealthCheck,
  STRATEGIES,
  type GslbConfigInput,
  type GslbRecordInput,
  type Strategy,
} from './gslb-config.js';
export {
  DEFAULT_GSLB_FILE,
  loadGslbConfig,
  parseGslbConfig,
  saveGslbConfig,
  validateGslbConfig,
} from './gslb-config-file.js';
export { GslbState, type RouterObservation } from './gslb-state.js';
export type { GslbView } from './gslb-view.js';
export { HealthHistory, type HealthTransition } from './health-history.js';
export { RegionTable } from './region-table.js';
export { answerGslbMessage, type GslbMessageAnswer, type GslbTransport } from './gslb-message.js';
export { GslbServer } from './gslb-server.js';
export { GslbService, type GslbServiceOptions } from './gslb-service.js';
export { qualifyName, removeRecord, upsertRecord } from './gslb-edits.js';
export { explainRecord, parseClient, type RecordExplanation } from './explain-record.js';
export { RouterWatch } from './router-watch.js';
export {
  DELEGATION_TTL,
  delegationRecords,
  formatZoneLines,
  type DelegationRecord,
} from './delegation-records.js';
export {
  readUpdateResponse,
  signedUpdate,
  type SignedUpdate,
  type UpdateResponse,
} from './dns-update.js';
export { publishDelegation, type PublishOptions } from './publish-delegation.js';
export { parseTsigKey, TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from './tsig-key.js';
export {
  CheckReport,
  checkVerdict,
  countVotes,
  parseCheckReport,
  type CheckVotes,
} from './check-report.js';
export { HealthChecker } from './health-checker.js';
export { probeTarget } from './probe-target.js';
