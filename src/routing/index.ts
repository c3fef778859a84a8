// The routing area: what each site knows of the others. Owns the advert protocol (publish, flood,
// dedupe, first sync, signed link endpoints), the link-state database and the routes computed
// from it. May import errors/, pki/, observability/; never link/, flow/, membership/ or router/.
export { LinkStateDb, type AdvertVerdict } from './link-state-db.js';
export { computeRoutes, type Route, type SiteLinks } from './route-table.js';
export {
  decodeControl,
  encodeSiteAdvert,
  isNewerAdvert,
  peekAdvertVersion,
  type AdvertNetwork,
  type AdvertService,
  type DirectEndpoint,
  type SiteAdvert,
} from './site-advert.js';
export { signEndpoints, verifyEndpoints, type SignedEndpoints } from './signed-endpoints.js';
export {
  AdvertExchange,
  type AdvertExchangeDeps,
  type AdvertPeer,
  type OwnAdvertContent,
} from './advert-exchange.js';
