import type { UdpDropReason } from '../../observability/index.js';

/** What comes back along a path: datagrams, and its end with the reset code that ended it. */
export interface PathEvents {
  datagram(payload: Buffer): void;
  ended(code: number): void;
}

/**
 * One way datagrams of a session travel: a link stream towards another site, or a socket to a
 * backend here. Sending never queues beyond a bound: a datagram that does not fit is dropped and
 * the reason returned, as a router would.
 */
export interface DatagramPath {
  /** Sends one datagram; the reason when it was dropped instead. */
  send(payload: Buffer): UdpDropReason | undefined;
  /** Ends the path from this side (the far side hears `code`). */
  close(code: number): void;
}
