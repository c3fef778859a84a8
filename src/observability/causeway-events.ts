import { channel } from 'node:diagnostics_channel';
import type { FlowSide } from './flow-stats.js';

/**
 * The event catalogue: what a router tells observers (metrics, and later cost accounting, the
 * console, tracing) on `node:diagnostics_channel`. Channels are process-wide, so every event names
 * the `site` whose router published it and a subscriber keeps to its own. Publishers build an
 * event only when `hasSubscribers` is true: with nobody listening, an event costs one property read.
 */
export const CausewayChannel = {
  flowOpen: 'causeway:flow:open',
  flowClose: 'causeway:flow:close',
  flowRetry: 'causeway:flow:retry',
  linkUp: 'causeway:link:up',
  linkDown: 'causeway:link:down',
  leaseChange: 'causeway:lease:change',
  httpRequest: 'causeway:http:request',
  udpDrop: 'causeway:udp:drop',
} as const;

/** Where a site is, as its adverts say. */
export interface SitePlace {
  site: string;
  zone: string;
  region: string;
}

/** The protocol a flow carries; a new listener/connector variant adds its name here. */
export type FlowProtocol = 'tcp' | 'http' | 'http2' | 'udp';

/** `causeway:flow:open`: a flow got going (its bytes may now move). */
export interface FlowOpenEvent {
  /** Unique within the publishing process; pairs an open with its close. */
  id: number;
  /** The site whose router saw the flow. */
  site: string;
  side: FlowSide;
  service: string;
  namespace: string;
  protocol: FlowProtocol;
  /** The site the client is at (known on ingress; on egress and transit only the previous hop is). */
  source: SitePlace | null;
  /** The site of the backend, when known at this point. */
  destination: SitePlace | null;
  /** The peer the flow leaves through (ingress, transit), or null when it ends here. */
  nextHop: string | null;
  /** The peer it came from (egress, transit), or null when the client is local. */
  previousHop: string | null;
  /** Epoch ms. */
  startedAt: number;
}

/** `causeway:flow:close`: a flow ended, or was refused before it opened (`opened: false`). */
export interface FlowCloseEvent extends FlowOpenEvent {
  opened: boolean;
  /** `closed`, a reset code name (`BackendUnreachable`…) or the refusal (`no-endpoint`…). */
  outcome: string;
  bytesToBackend: number;
  bytesToClient: number;
  durationMs: number;
}

/** `causeway:flow:retry`: a flow refused before its first answer byte was reopened elsewhere. */
export interface FlowRetryEvent {
  site: string;
  side: FlowSide;
  service: string;
  namespace: string;
  reason: string;
}

/** `causeway:link:up`: the first live connection to a peer. */
export interface LinkUpEvent {
  site: string;
  peer: SitePlace;
}

/** `causeway:link:down`: the last connection to a peer went away. */
export interface LinkDownEvent {
  site: string;
  peer: SitePlace;
  error: Error | undefined;
}

/** `causeway:lease:change`: a lease this router holds or watches moved. */
export interface LeaseChangeEvent {
  site: string;
  lease: string;
  /** acquired / held-elsewhere / standing-down come from this site's holder loop; changed from the watch. */
  kind: 'acquired' | 'held-elsewhere' | 'standing-down' | 'changed';
  holder: string | null;
  fencingToken: number | null;
  expiresAt: number | null;
}

/** `causeway:http:request`: an HTTP import answered (or refused) one request. */
export interface HttpRequestEvent {
  site: string;
  service: string;
  namespace: string;
  method: string;
  /** The status the client got. */
  status: number;
  /** answered: a backend's response; refused: the router's own 503 (no endpoint, write refused); failed: 502/504. */
  outcome: 'answered' | 'refused' | 'failed';
  source: SitePlace | null;
  /** The site whose endpoint answered (the last one tried), null when none was. */
  destination: SitePlace | null;
  /** The client connection's bytes while the request was served, headers included. */
  bytesToBackend: number;
  bytesToClient: number;
  durationMs: number;
  /** From a valid W3C `traceparent` of the request, else null. */
  traceId: string | null;
  startedAt: number;
}

/** Why a datagram was dropped: a session's or a link's queue was full, too many sessions, no endpoint. */
export type UdpDropReason =
  'session-queue' | 'link-queue' | 'backend-queue' | 'sessions' | 'no-endpoint';

/** `causeway:udp:drop`: datagrams of a UDP import or export were dropped instead of queued. */
export interface UdpDropEvent {
  site: string;
  side: FlowSide;
  service: string;
  namespace: string;
  reason: UdpDropReason;
  datagrams: number;
}

/** The channels, typed by what they carry. */
export const causewayChannels = {
  flowOpen: channel(CausewayChannel.flowOpen),
  flowClose: channel(CausewayChannel.flowClose),
  flowRetry: channel(CausewayChannel.flowRetry),
  linkUp: channel(CausewayChannel.linkUp),
  linkDown: channel(CausewayChannel.linkDown),
  leaseChange: channel(CausewayChannel.leaseChange),
  httpRequest: channel(CausewayChannel.httpRequest),
  udpDrop: channel(CausewayChannel.udpDrop),
};

type ChannelName = keyof typeof causewayChannels;
interface EventOf {
  flowOpen: FlowOpenEvent;
  flowClose: FlowCloseEvent;
  flowRetry: FlowRetryEvent;
  linkUp: LinkUpEvent;
  linkDown: LinkDownEvent;
  leaseChange: LeaseChangeEvent;
  httpRequest: HttpRequestEvent;
  udpDrop: UdpDropEvent;
}

/** Publishes on `name` if anyone listens; `build` runs only then. */
export function publishEvent<N extends ChannelName>(name: N, build: () => EventOf[N]): void {
  const ch = causewayChannels[name];
  if (ch.hasSubscribers) ch.publish(build());
}

/** Subscribes to one channel with a typed handler; returns the unsubscribe function. */
export function subscribeEvent<N extends ChannelName>(
  name: N,
  handler: (event: EventOf[N]) => void,
): () => void {
  const ch = causewayChannels[name];
  const listener = (message: unknown): void => handler(message as EventOf[N]);
  ch.subscribe(listener);
  return () => {
    ch.unsubscribe(listener);
  };
}
