export { ServiceCatalog, type Endpoint } from './service-catalog.js';
export { decodeOpenRequest, encodeOpenRequest, type OpenRequest } from './open-request.js';
export { decodeControlMessage, encodeExportsAdvert, isNewerAdvert, type AdvertisedService, type ExportsAdvert } from './exports-advert.js';
export { serviceKey } from './service-key.js';
