import type { DrillView } from '../api/index.js';
import type { DrillEnd } from './drill-book.js';
import type { DrillStart } from './drill-message.js';

/** What a drill does, in one line: the sites and the failure, for logs and `status`. */
export function drillSummary(d: DrillStart): string {
  const [x, y] = d.sites;
  switch (d.kind) {
    case 'partition':
      return `partition: ${d.sites.join(', ')} cut off from the rest of the clusterset`;
    case 'site-loss':
      return `site-loss: ${x ?? '?'} looks dead to every other site`;
    case 'latency':
      return `latency: +${d.addMs ?? 0} ms round trip${d.jitterMs ? ` (±${d.jitterMs} ms)` : ''} between ${x ?? '?'} and ${y ?? '?'}`;
    case 'loss':
      return `loss: ${d.percent ?? 0} % of segments lost between ${x ?? '?'} and ${y ?? '?'}`;
  }
}

/** The API's view of a drill; `ended` when it is over here. */
export function drillView(d: DrillStart, ended?: { at: number; why: DrillEnd }): DrillView {
  return {
    ...{ id: d.id, kind: d.kind, sites: [...d.sites] },
    ...{ addMs: d.addMs ?? null, jitterMs: d.jitterMs ?? null, percent: d.percent ?? null },
    ...{ issuer: d.issuer, issuedAt: new Date(d.issuedAt).toISOString() },
    endsAt: new Date(d.endsAt).toISOString(),
    endedAt: ended === undefined ? null : new Date(ended.at).toISOString(),
    ended: ended?.why ?? null,
    summary: drillSummary(d),
  };
}
