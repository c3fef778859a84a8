// The membership area: who belongs to the clusterset and what this site may do about it. Owns the
// remembered members (members.json) and the partition view over them, safe mode (the safe-mode
// file), the leases this site holds or watches, the revoked sites (revocations.json, their
// flooding) and the authority check of clusterset-wide signed control messages (CA key or admin
// key). Tells lease changes as causeway:lease:change. May import errors/, config/, site-files/,
// lease/, observability/, pki/, api/ (shapes); never link/, flow/, routing/ or router/.
export { PartitionView, writeSafeModeFile } from './partition-view.js';
export { SiteLeases, type SiteLeasesOptions } from './site-leases.js';
export { MembershipWatch, type MembershipWatchDeps } from './membership-watch.js';
export {
  authoritySigningInput,
  signAsAuthority,
  verifyAuthority,
  type AuthorityKey,
  type AuthoritySignature,
} from './authority-signature.js';
export {
  decodeRevocation,
  encodeRevocation,
  isRevocationPayload,
  signRevocation,
  verifyRevocation,
  type SiteRevocation,
} from './site-revocation.js';
export { addRevocations, loadRevocations } from './revocations-file.js';
export { RevocationList, type RevocationListDeps } from './revocation-list.js';
