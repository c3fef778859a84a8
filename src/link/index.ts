export { ALPN_LINK, ALPN_REDEEM } from './alpn.js';
export { backoffDelay } from './backoff.js';
export { PROTOCOL, decodeHello, encodeHello, type Hello } from './hello.js';
export { LinkDialer, dialPeer, type DialTarget } from './link-dialer.js';
export { LinkListener } from './link-listener.js';
export { PeerLink, type LinkState } from './peer-link.js';
export { redeemToken, type RedeemResult } from './redeem-client.js';
export { RedeemRequest, RedeemResponse, readMessage, sendMessage } from './redeem-messages.js';
export { certificateChain, type TlsMaterial } from './tls-material.js';
