// The TCP variant of a flow: the import listener (ingress, client side) and the connector to a
// local backend or the next hop (egress, transit). A new protocol (udp, http2) is a sibling folder
// with the same pair. Imported by flow/ only.
export { TcpIngress } from './tcp-ingress.js';
export { TcpEgress } from './tcp-egress.js';
