export { loadSiteConfig, parseSiteConfig, saveSiteConfig } from './config-file.js';
export { DEFAULT_READ_METHODS, ExportConfig, ImportConfig, LinkConfig, PolicyConfig, SiteConfig, UncarriedPort, hostPort, type SiteConfigInput } from './site-config.js';
export { sitePaths, type SitePaths } from './site-paths.js';
export { replaceFile } from './replace-file.js';
export { withSiteLock } from './site-lock.js';
export { loadRemovedPeers, saveRemovedPeers } from './removed-peers.js';
export { parseHostPort, formatHostPort, type HostPort } from './host-port.js';
export { ManagedState, loadManagedState, mergeManagedState, saveManagedState, type ManagedStateInput } from './managed-state.js';
