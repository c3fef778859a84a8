import type { ClustersetService } from '../../mcs/index.js';

/**
 * `appProtocol` values that make importing routers speak HTTP/2 and balance each request: gRPC,
 * HTTP/2 with prior knowledge (`h2c`, Kubernetes' `kubernetes.io/h2c`) and `http2`.
 */
export const HTTP2_APP_PROTOCOLS: ReadonlySet<string> = new Set([
  'grpc',
  'h2c',
  'http2',
  'kubernetes.io/h2c',
]);

/** Annotations an export carries when its backend speaks TLS (the importer is the TLS client). */
export const BackendTlsAnnotation = {
  serverName: 'causeway.io/backend-tls-server-name',
  ca: 'causeway.io/backend-tls-ca',
} as const;

/** How the importing router reaches a backend that speaks TLS: the name it checks and the CA it trusts. */
export interface BackendTls {
  serverName: string | undefined;
  /** PEM; absent: the system's roots. */
  ca: string | undefined;
}

/** True when the service's port is listed with an HTTP/2 application protocol. */
export function isHttp2Port(service: ClustersetService | undefined, port: number): boolean {
  return (
    service?.ports.some(
      (p) =>
        p.port === port &&
        p.protocol === 'TCP' &&
        p.appProtocol !== undefined &&
        HTTP2_APP_PROTOCOLS.has(p.appProtocol),
    ) ?? false
  );
}

/** The backend TLS settings the service's (winning) export advertises; undefined: cleartext (h2c). */
export function backendTlsOf(service: ClustersetService | undefined): BackendTls | undefined {
  const annotations = service?.annotations ?? {};
  const serverName = annotations[BackendTlsAnnotation.serverName];
  const ca = annotations[BackendTlsAnnotation.ca];
  if (serverName === undefined && ca === undefined) return undefined;
  return { serverName: serverName === '' ? undefined : serverName, ca };
}
