import type { SiteConfig } from '../../config/index.js';

/** The UDP part of a site's data plane settings. */
export type UdpTiming = SiteConfig['dataPlane']['udp'];

/** Which ways a session has carried datagrams so far. */
export interface SessionTraffic {
  toBackend: number;
  toClient: number;
}

/**
 * How long a session may stay silent before it ends. Like conntrack: a one-way session (a client
 * probing, or a backend that never answers) is kept only `idleTimeoutMs`; once replies came back
 * it is a stream and is kept `streamTimeoutMs`, so a chatty protocol's pauses do not cut it.
 */
export function sessionIdleTimeout(traffic: SessionTraffic, timing: UdpTiming): number {
  return traffic.toBackend > 0 && traffic.toClient > 0
    ? timing.streamTimeoutMs
    : timing.idleTimeoutMs;
}
