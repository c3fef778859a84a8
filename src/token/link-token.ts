import type { LinkEndpoint } from './link-endpoint.js';

/** A one-time, expiring grant that lets a new site dial `issuerSite` and obtain its certificate. */
export type LinkToken = {
  version: 1;
  trustDomain: string;
  /** SHA-256 of the clusterset CA certificate, so the redeemer can pin it before trusting it. */
  caFingerprint: string;
  id: string;
  /** base64url of 32 random bytes; shown once, stored only as a hash by the issuer. */
  secret: string;
  issuerSite: string;
  endpoints: LinkEndpoint[];
  expiresAt: Date;
};

/** Textual tokens start with this; the digit is the format version. */
export const tokenPrefix = 'cwt1.';
/** Longest token text decodeToken will look at; real ones are well under 1 KiB. */
export const maxTokenLength = 4096;
