// The UDP variant of a flow: import listeners whose client addresses become sessions (ingress)
// and the connector of a session to a local UDP backend (egress). Datagrams cross links on one
// stream per session, each with a length prefix so boundaries are kept; transit sites splice
// those streams like any other. Imported by flow/ only.
export { UdpIngress, type UdpIngressDeps } from './udp-ingress.js';
export { UdpEgress } from './udp-egress.js';
