export { KubeController, type KubeControllerOptions } from './kube-controller.js';
export { loadKubeConfig, type KubeConfigOptions } from './client/kube-config-loader.js';
export { KubeRest, KubeApiError, isNotFound, isConflict } from './client/kube-rest.js';
export {
  Resources,
  serviceExports,
  serviceImports,
  collectionPath,
  objectPath,
  apiVersionOf,
  type Resource,
} from './client/resources.js';
export type * from './client/kube-objects.js';
export { CRD_FILES, loadCrd, loadCrds } from './crds/crd-manifests.js';
export { ensureCrds, pickServedVersion } from './crds/crd-installer.js';
export { ClusterPropertyName, ensureClusterProperties } from './crds/cluster-property.js';
export { planExport, type ExportPlan } from './export/export-entries.js';
export { exportConditions, stampConditions, sameConditions } from './export/export-conditions.js';
export {
  GlobalAnnotation,
  globalSettingsOf,
  globalAnnotations,
  type Affinity,
  type GlobalSettings,
} from './export/global-annotations.js';
export { managedStateOf, type SiteDesired } from './export/managed-state-sync.js';
export {
  derivedServiceName,
  derivedSiteServiceName,
  importSliceName,
  globalSliceName,
} from './import/derived-names.js';
export {
  desiredServiceImport,
  desiredDerivedService,
  desiredImportSlices,
  desiredSiteTargets,
  importStatus,
  upToDate,
  type SiteTarget,
} from './import/import-objects.js';
export { desiredGlobalSlice } from './import/global-slice.js';
export {
  ImportLabel,
  MANAGED_BY_CONTROLLER,
  DERIVED_SERVICE_ANNOTATION,
  GLOBAL_SLICE_LABEL,
} from './import/import-labels.js';
export {
  LinkSecret,
  LINK_TOKEN_TTL_MS,
  secretAction,
  type SecretAction,
} from './link-exchange/link-secrets.js';
export { leaseStep, microTime, type LeaseStep } from './leader/lease-step.js';
export { WorkQueue } from './watch/work-queue.js';
export { readClusterNetworks, type ClusterNetworks } from './network/cluster-networks.js';
