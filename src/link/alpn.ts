/** ALPN names on the link port: one port serves links and token redemption, told apart in the handshake. */
export const ALPN_LINK = 'causeway-link/1';
export const ALPN_REDEEM = 'causeway-redeem/1';
