export { generateKeyPair, type KeyPairPem } from './key-pair.js';
export { createClustersetCa, type ClustersetCa } from './clusterset-ca.js';
export { issueSiteCertificate, type IssueSiteCertificateOptions } from './site-certificate.js';
export { siteIdentityOf } from './site-identity.js';
export { certificateFingerprint } from './certificate-fingerprint.js';
export { verifyIssuedBy } from './verify-issued-by.js';
export { isValidSiteId } from './site-id.js';
export { isValidTrustDomain, siteSpiffeId } from './trust-domain.js';
export { writeSecretFile } from './secret-file.js';
export {
  adminIdentityOf,
  adminSpiffeId,
  issueAdminCertificate,
  type IssueAdminCertificateOptions,
} from './admin-certificate.js';
