export {
  systemClock,
  type AcquireResult,
  type LeaseBackend,
  type LeaseClock,
  type LeaseRecord,
  type LeaseListener,
  type LeaseWatch,
} from './lease-backend.js';
export { decideAcquire, isLive, type AcquireDecision } from './lease-decision.js';
export {
  EmbeddedLeaseBackend,
  type EmbeddedLeaseBackendOptions,
} from './embedded-lease-backend.js';
export type { EtcdLeaseBackendOptions } from './etcd-lease-backend.js';
export {
  KubernetesLeaseBackend,
  type KubernetesLeaseBackendOptions,
} from './kubernetes-lease-backend.js';
export { LeaseView, type LeaseState, type LeaseViewEvents } from './lease-view.js';
export { LeaseHolder, type LeaseHolderEvents, type LeaseHolderOptions } from './lease-holder.js';
export {
  openEtcdLeaseBackend,
  openLeaseBackend,
  type LeaseStoreSettings,
} from './open-lease-backend.js';
