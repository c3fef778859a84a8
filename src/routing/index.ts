export { LinkStateDb, type AdvertVerdict } from './link-state-db.js';
export { computeRoutes, type Route, type SiteLinks } from './route-table.js';
export { decodeControl, encodeSiteAdvert, isNewerAdvert, peekAdvertVersion, type AdvertService, type SiteAdvert } from './site-advert.js';
export { signEndpoints, verifyEndpoints, type SignedEndpoints } from './signed-endpoints.js';
