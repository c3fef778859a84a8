import { CausewayError, ErrorCode } from '../errors/index.js';
import { endpointProblem, formatEndpoint, parseEndpoint } from './link-endpoint.js';
import { maxTokenLength, tokenPrefix, type LinkToken } from './link-token.js';
import { describePayloadIssues, tokenPayloadSchema, type TokenPayload } from './token-payload.js';

const base64urlPattern = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The `cwt1.` text of a token. Throws CW_INPUT_INVALID for a token that decodeToken would refuse,
 * so nothing undecodable is ever handed to a user. Sub-second expiry is truncated to the second.
 */
export function encodeToken(token: LinkToken): string {
  const payload = payloadOf(token);
  const checked = tokenPayloadSchema.safeParse(payload);
  if (!checked.success) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `cannot encode link token: ${describePayloadIssues(checked.error.issues)}`,
    );
  }
  return tokenPrefix + Buffer.from(JSON.stringify(checked.data), 'utf8').toString('base64url');
}

/** Parses token text (surrounding whitespace allowed); any defect is CW_TOKEN_MALFORMED. */
export function decodeToken(text: string): LinkToken {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed.length === 0) throw malformed('it is empty');
  if (trimmed.length > maxTokenLength)
    throw malformed(`it is longer than ${maxTokenLength} characters`);
  if (!trimmed.startsWith(tokenPrefix)) {
    const hint = /^cwt\d+\./.test(trimmed)
      ? 'it is from an unsupported token format version'
      : `it does not start with ${tokenPrefix}`;
    throw malformed(hint);
  }
  return tokenOf(parsePayload(trimmed.slice(tokenPrefix.length)));
}

function parsePayload(body: string): TokenPayload {
  // Buffer's base64url decoder skips characters it does not know; refuse them instead.
  if (!base64urlPattern.test(body) || body.length % 4 === 1)
    throw malformed('the part after the prefix is not base64url');
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(Buffer.from(body, 'base64url')));
  } catch {
    // The parser's own message quotes the input, which may contain the secret.
    throw malformed('the payload is not UTF-8 JSON');
  }
  const checked = tokenPayloadSchema.safeParse(json);
  if (!checked.success) throw malformed(describePayloadIssues(checked.error.issues));
  return checked.data;
}

function payloadOf(token: LinkToken): Record<keyof TokenPayload, unknown> {
  const expiresMs = token.expiresAt instanceof Date ? token.expiresAt.getTime() : Number.NaN;
  return {
    v: token.version,
    td: token.trustDomain,
    ca: token.caFingerprint,
    id: token.id,
    s: token.secret,
    site: token.issuerSite,
    ep: token.endpoints.map(formatEndpointStrictly),
    exp: Math.floor(expiresMs / 1000),
  };
}

// Formatting alone would turn a host like "[::1]" into a string that merely looks wrong later.
function formatEndpointStrictly(endpoint: { host: string; port: number }): string {
  const text = formatEndpoint(endpoint);
  const problem = endpointProblem(text);
  if (problem !== undefined) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `cannot encode link token: endpoint ${JSON.stringify(text)}: ${problem}`,
    );
  }
  return text;
}

function tokenOf(payload: TokenPayload): LinkToken {
  return {
    version: payload.v,
    trustDomain: payload.td,
    caFingerprint: payload.ca,
    id: payload.id,
    secret: payload.s,
    issuerSite: payload.site,
    endpoints: payload.ep.map(parseEndpoint),
    expiresAt: new Date(payload.exp * 1000),
  };
}

function malformed(what: string): CausewayError {
  return new CausewayError(ErrorCode.TokenMalformed, `link token is malformed: ${what}`, {
    hint: 'copy the whole token printed by `causeway token issue`, starting with cwt1.',
  });
}
