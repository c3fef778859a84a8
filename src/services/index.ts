export { ServiceCatalog, type AdvertisedService, type Endpoint } from './service-catalog.js';
export { decodeOpenRequest, encodeOpenRequest, type OpenRequest } from './open-request.js';
export { serviceKey } from './service-key.js';
