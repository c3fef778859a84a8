/** Headers that describe one connection, not the message (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
]);

/** Headers only this router may set: a client that sends them must not pass for a lease holder. */
export const FencingHeader = {
  token: 'Causeway-Fencing-Token',
  lease: 'Causeway-Lease',
  holder: 'Causeway-Lease-Holder',
} as const;

const RESERVED: ReadonlySet<string> = new Set(
  Object.values(FencingHeader).map((h) => h.toLowerCase()),
);

/** What changes on the way through: headers to add, and whether framing headers stay. */
export interface HeaderRewrite {
  /** Added after the filtered headers, e.g. the fencing token of a write. */
  add?: ReadonlyArray<readonly [string, string]>;
  /**
   * Requests keep Transfer-Encoding (the body is re-chunked as it came; without it a GET or
   * DELETE body would go out unframed). Responses drop it and let the server choose framing
   * for its own client (chunked for HTTP/1.1, close-delimited for HTTP/1.0).
   */
  keepTransferEncoding: boolean;
}

/**
 * Filters raw header pairs (Node's `rawHeaders`: name, value, name, value…) for the next hop:
 * hop-by-hop headers go, so do the headers the Connection header names, and Causeway's own
 * fencing headers; names keep their case and order. Returns the same flat list form.
 */
export function forwardHeaders(raw: readonly string[], rewrite: HeaderRewrite): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  const chunked = raw.some(
    (value, i) => i % 2 === 0 && value.toLowerCase() === 'transfer-encoding',
  );
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || RESERVED.has(lower) || lower === 'expect')
      continue;
    if (lower === 'transfer-encoding' && !rewrite.keepTransferEncoding) continue;
    // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3); never send both.
    if (lower === 'content-length' && chunked && rewrite.keepTransferEncoding) continue;
    out.push(name, raw[i + 1] ?? '');
  }
  for (const [name, value] of rewrite.add ?? []) out.push(name, value);
  return out;
}

/** Lower-cased header names listed in every Connection header. */
function connectionTokens(raw: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] ?? '').toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] ?? '').split(',')) {
      const trimmed = token.trim().toLowerCase();
      if (trimmed !== '') tokens.add(trimmed);
    }
  }
  return tokens;
}

/** The request line and headers as they arrived, for a tunnel whose bytes go through untouched. */
export function serializeRequestHead(
  method: string,
  target: string,
  version: string,
  raw: readonly string[],
  add: ReadonlyArray<readonly [string, string]> = [],
): string {
  let head = `${method} ${target} HTTP/${version}\r\n`;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (RESERVED.has(name.toLowerCase())) continue;
    head += `${name}: ${raw[i + 1] ?? ''}\r\n`;
  }
  for (const [name, value] of add) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}
