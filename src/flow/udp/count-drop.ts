import { publishEvent, type FlowSide, type UdpDropReason } from '../../observability/index.js';

/** A session's drop counter: each datagram dropped (a reason given) is told as `causeway:udp:drop`. */
export function countDrop(
  site: string,
  side: FlowSide,
  service: string,
  namespace: string,
): (reason: UdpDropReason | undefined) => void {
  return (reason) => {
    if (reason === undefined) return;
    publishEvent('udpDrop', () => ({ site, side, service, namespace, reason, datagrams: 1 }));
  };
}
