export { type LinkToken, tokenPrefix, maxTokenLength } from './link-token.js';
export { type LinkEndpoint, formatEndpoint, parseEndpoint } from './link-endpoint.js';
export { encodeToken, decodeToken } from './token-codec.js';
export { TokenStore, type IssueTokenOptions, type TokenSummary } from './token-store.js';
export { parseDuration } from './duration.js';
