// The HTTP/2 variant of a flow: an import whose port is listed with appProtocol grpc, h2c, http2 or
// kubernetes.io/h2c is served stream by stream (each request its own endpoint choice by policy and
// route rules), with trailers, flow control and resets relayed, and gRPC statuses for the router's
// own failures. Imported by flow/ only.
export { Http2Ingress, type Http2IngressDeps } from './http2-ingress.js';
export {
  HTTP2_APP_PROTOCOLS,
  BackendTlsAnnotation,
  backendTlsOf,
  isHttp2Port,
  type BackendTls,
} from './http2-port.js';
export { encodeGrpcMessage, GrpcStatus } from './grpc-answer.js';
