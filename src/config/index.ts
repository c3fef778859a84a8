export { loadSiteConfig, parseSiteConfig, saveSiteConfig } from './config-file.js';
export {
  DEFAULT_READ_METHODS,
  HTTP_PROTOCOL,
  LEASE_NAME_PATTERN,
  ExportConfig,
  ImportConfig,
  LinkConfig,
  NetworkConfig,
  PolicyConfig,
  AccessPolicyConfig,
  SiteConfig,
  UncarriedPort,
  CostConfig,
  AccessLogConfig,
  hostPort,
  type SiteConfigInput,
} from './site-config.js';
// Paths and state-file I/O live in site-files/; re-exported so config's users need one import.
export {
  readStateFile,
  readStateText,
  replaceFile,
  sitePaths,
  type SitePaths,
  type StateRead,
} from '../site-files/index.js';
export {
  HEADER_NAME_PATTERN,
  HttpRouteConfig,
  type HeaderEditsConfig,
  type RouteMatchConfig,
  type RouteRuleConfig,
} from './http-route-config.js';
export { withSiteLock } from './site-lock.js';
export { loadRemovedPeers, saveRemovedPeers } from './removed-peers.js';
export { parseHostPort, formatHostPort, type HostPort } from './host-port.js';
export {
  ManagedState,
  loadManagedState,
  mergeManagedState,
  saveManagedState,
  type ManagedStateInput,
} from './managed-state.js';
export { DEFAULT_IMAGE, DEFAULT_NAMESPACE } from './kube-defaults.js';
