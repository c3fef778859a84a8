// The membership area: who belongs to the clusterset and what this site may do about it. Owns the
// remembered members (members.json) and the partition view over them, safe mode (the safe-mode
// file), and the leases this site holds or watches; revocation of a site will live here. Tells
// lease changes as causeway:lease:change. May import errors/, config/, site-files/, lease/,
// observability/, api/ (shapes); never link/, flow/, routing/ or router/.
export { PartitionView, writeSafeModeFile } from './partition-view.js';
export { SiteLeases, type SiteLeasesOptions } from './site-leases.js';
export { MembershipWatch, type MembershipWatchDeps } from './membership-watch.js';
