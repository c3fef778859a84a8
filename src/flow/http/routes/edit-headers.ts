import type { HeaderEdits } from './http-route.js';

/** Headers as HTTP/2 carries them: lower-case names, a value or several. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * Applies a rule's edits to a header map in place: removals first, then `set` replaces, then
 * `add` appends. Pseudo-headers (`:path`, `:status`…) are never touched: an edit cannot reroute
 * or restatus a message behind the router's back.
 */
export function editHeaderMap(headers: HeaderMap, edits: HeaderEdits | undefined): HeaderMap {
  if (edits === undefined) return headers;
  for (const name of edits.remove) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(':')) delete headers[lower];
  }
  for (const [name, value] of Object.entries(edits.set)) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(edits.add)) {
    const lower = name.toLowerCase();
    const current = headers[lower];
    headers[lower] =
      current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
  }
  return headers;
}

/** The same edits on Node's flat `rawHeaders` list (HTTP/1.1: names keep their case and order). */
export function editRawHeaders(
  raw: readonly string[],
  edits: HeaderEdits | undefined,
): readonly string[] {
  if (edits === undefined) return raw;
  const drop = new Set([...edits.remove, ...Object.keys(edits.set)].map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!drop.has(name.toLowerCase())) out.push(name, raw[i + 1] ?? '');
  }
  for (const [name, value] of Object.entries(edits.set)) out.push(name, value);
  for (const [name, value] of Object.entries(edits.add)) out.push(name, value);
  return out;
}
