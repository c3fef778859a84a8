export type {
  IpFamily,
  PortProtocol,
  ServiceEndpoint,
  ServicePort,
  ServiceType,
  SiteExport,
} from './site-export.js';
export { clustersetKey } from './clusterset-key.js';
export {
  ConditionReason,
  conflictCondition,
  exportedCondition,
  validCondition,
  type Condition,
  type Conflict,
  type ConflictReason,
  type ExportConditions,
} from './export-condition.js';
export { exportTypeOf, type ExportTypeResult, type KubeServiceType } from './export-type-of.js';
export { mergePorts, portKey, type MergedPorts, type PortKey } from './merge-ports.js';
export {
  byPrecedence,
  mergeClustersetService,
  type ClustersetService,
} from './merge-clusterset-service.js';
export { ClustersetModel, type SiteEndpoint } from './clusterset-model.js';
export {
  defaultVipCidr,
  VipAllocator,
  type VipAllocatorOptions,
  type VipSnapshot,
} from './vip-allocator.js';
export {
  PortAllocator,
  parsePortRange,
  type PortRange,
  type PortSnapshot,
} from './port-allocator.js';
export { formatIp, parseIp, type IpAddress } from './ip-address.js';
export { headlessHostname } from './headless-hostname.js';
