/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
 * `version-traceid-parentid-flags`, lowercase hex. Version ff is invalid; an all-zero trace or
 * parent id is invalid; a future version may append fields after a dash (§ 3.2.4), which are
 * ignored. Returns the trace id, or null for anything else.
 */
export function traceIdOf(header: string | readonly string[] | undefined): string | null {
  // Several traceparent headers make the request's context ambiguous: none is taken (§ 3.2).
  if (header === undefined || typeof header !== 'string') return null;
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(header.trim());
  if (m === null) return null;
  const [, version, traceId = '', parentId = '', , rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  return traceId;
}
