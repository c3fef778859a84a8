export { KubeSession, FIELD_MANAGER, type KubeTarget, type ObjectRef } from './kube-session.js';
export {
  installSite,
  renderInstall,
  type InstallOptions,
  type InstallReport,
} from './kube-install.js';
export { uninstallSite, type UninstallOptions, type UninstallReport } from './kube-uninstall.js';
export {
  linkClusters,
  LinkSecretName,
  type KubeLinkOptions,
  type KubeLinkReport,
} from './kube-link.js';
export {
  causewayDnsAddress,
  wireCoredns,
  CLUSTERSET_ZONE,
  COREDNS_CONFIGMAP,
  COREDNS_NAMESPACE,
  DNS_SERVICE,
  type DnsWiring,
} from './coredns-wiring.js';
export {
  corefileBlock,
  withBlock,
  withoutBlock,
  BLOCK_BEGIN,
  BLOCK_END,
} from './corefile-block.js';
export {
  CLUSTER_ID_PROPERTY,
  CLUSTER_PROPERTY_API,
  clusterIdProperty,
  readClusterId,
  requireClusterSiteId,
} from './cluster-site-id.js';
export { DEPLOY_DIR, loadDeployFolder, parseManifests, type DeployFolder } from './deploy-files.js';
export {
  customiseManifests,
  inApplyOrder,
  type LinkServiceType,
  type ManifestSettings,
} from './install-objects.js';
export {
  SITE_SECRET,
  SITE_FILES,
  readSiteFiles,
  siteFilesOf,
  siteSecret,
  type SiteFiles,
} from './site-secret.js';
export { CAUSEWAY_LABELS, MANAGED_BY_SELECTOR } from './install-labels.js';
export { keepSiteSaved, saveSiteOnce, type SiteSaverOptions } from './site-saver.js';
