import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { editHeaderMap, type HeaderEdits, type HeaderMap } from '../http/routes/index.js';
import { FencingHeader } from '../http/index.js';

/**
 * Connection-specific fields (RFC 9113 §8.2.2) never cross a hop, and Causeway's fencing headers
 * are only this router's to set: a client sending them must not pass for a lease holder.
 */
const DROPPED: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  ...Object.values(FencingHeader).map((h) => h.toLowerCase()),
]);

/** The headers a request goes upstream with: the client's, filtered, then the rule's edits. */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  edits: HeaderEdits | undefined,
): OutgoingHttpHeaders {
  return editHeaderMap(copyHeaders(headers), edits);
}

/** The headers a response goes to the client with: the backend's, filtered, then the rule's edits. */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  edits: HeaderEdits | undefined,
): OutgoingHttpHeaders {
  return editHeaderMap(copyHeaders(headers), edits);
}

/** Trailers as received, filtered the same way (a trailer cannot carry a pseudo-header). */
export function forwardedTrailers(trailers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out = copyHeaders(trailers);
  for (const name of Object.keys(out)) if (name.startsWith(':')) delete out[name];
  return out;
}

function copyHeaders(headers: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  // Own string keys only: Node's sensitive-headers symbol describes the incoming HPACK state.
  for (const name of Object.keys(headers)) {
    if (DROPPED.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

/** All values of a header as one string (RFC 9110 §5.3), or undefined when absent. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
