export {
  ServiceDirectory,
  carriedProtocol,
  type CarriedProtocol,
  type Endpoint,
} from './service-directory.js';
export { decodeOpenRequest, encodeOpenRequest, type OpenRequest } from './open-request.js';
export { serviceKey } from './service-key.js';
export {
  HTTP_APP_PROTOCOL,
  WritesAnnotation,
  isHttpPort,
  writePolicyAnnotations,
  writePolicyOf,
  type WritePolicy,
} from './write-policy.js';
export { advertServices } from './advert-services.js';
export { ExportReadiness } from './export-readiness.js';
export {
  ACCESS_ANNOTATION,
  admitsImporter,
  hasAccessPolicy,
  withAccessAnnotations,
} from './access-annotation.js';
export { directEndpoints, withDirectEndpoints, type DirectSite } from './direct-endpoints.js';
