// The link area: everything between this site and its peers below the flows. Owns the mesh of
// links (dialing, accepting, HELLO, per-peer state, the link port kept across restarts, the
// endpoints it advertises, removed peers), token redemption (client and this site's desk) and the
// site's TLS material. May import errors/, config/, site-files/, transport/, observability/, pki/,
// token/; never flow/, membership/, routing/, api/ or router/.
export { ALPN_LINK, ALPN_REDEEM } from './alpn.js';
export { backoffDelay } from './backoff.js';
export { PROTOCOL, decodeHello, encodeHello, type Hello } from './hello.js';
export { LinkDialer, dialPeer, type DialTarget } from './link-dialer.js';
export { LinkListener } from './link-listener.js';
export { PeerLink, type LinkState } from './peer-link.js';
export { redeemToken, type RedeemResult } from './redeem-client.js';
export { RedeemRequest, RedeemResponse, readMessage, sendMessage } from './redeem-messages.js';
export { certificateChain, type TlsMaterial } from './tls-material.js';
export { LinkMesh, type MeshEvents } from './link-mesh.js';
export { RedemptionDesk } from './redemption-desk.js';
export { loadCaKey, loadSiteMaterial } from './load-site-material.js';
export { keepLinkPort, keptLinkListen } from './kept-link-port.js';
export { ownLinkEndpoints } from './own-link-endpoints.js';
export { dropConfiguredLink, followLinkRemoval, forgetRemovedPeer } from './removed-links.js';
export { RemovedPeers } from './removed-peers.js';
export { openLinkPort } from './open-link-port.js';
export { NO_IMPAIRMENT, type LinkImpairment } from './link-impairment.js';
