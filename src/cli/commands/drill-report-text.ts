import type { DrillReport } from '../../api/index.js';
import { table } from '../output.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The text form of `drill report`: one section per kind of thing seen. */
export function renderDrillReport(r: DrillReport): string {
  const d = r.drill;
  const none = '  (none)';
  return [
    `drill ${d.id} as ${r.site} saw it${r.recording ? ' (still recording)' : ''}`,
    `  ${d.summary}`,
    `  started by ${d.issuer} at ${d.issuedAt}, in force here from ${r.startedHere}, ${d.ended === null ? `ends at ${d.endsAt}` : `ended ${d.endedAt ?? '?'} (${d.ended})`}`,
    '',
    'LINKS LOST (detection time from the start)',
    r.linksLost.length === 0
      ? none
      : table(
          ['PEER', 'AFTER'],
          r.linksLost.map((l) => [l.peer, seconds(l.afterMs)]),
        ),
    'LINKS BACK (from the end)',
    r.linksBack.length === 0
      ? none
      : table(
          ['PEER', 'AFTER'],
          r.linksBack.map((l) => [l.peer, seconds(l.afterEndMs)]),
        ),
    'PARTITION VIEW',
    r.safeMode.length === 0
      ? '  (no change)'
      : table(
          ['VERDICT', 'AFTER START'],
          r.safeMode.map((s) => [
            s.majority ? 'majority' : 'MINORITY (safe mode)',
            seconds(s.afterMs),
          ]),
        ),
    'LEASE HAND-OVERS',
    r.leaseHandovers.length === 0
      ? none
      : table(
          ['LEASE', 'HOLDER', 'TOKEN', 'SEEN AS', 'AFTER START'],
          r.leaseHandovers.map((h) => [
            h.lease,
            h.holder ?? '-',
            h.fencingToken ?? '-',
            h.kind,
            seconds(h.afterMs),
          ]),
        ),
    'FLOWS REFUSED OR FAILED',
    r.flows.length === 0
      ? none
      : table(
          ['SERVICE', 'OUTCOME', 'COUNT'],
          r.flows.map((f) => [f.service, f.outcome, f.count]),
        ),
    'WRITES REFUSED WITH 503',
    r.writesRefused.length === 0
      ? none
      : table(
          ['SERVICE', 'LEASE', 'REASON', 'COUNT'],
          r.writesRefused.map((w) => [w.service, w.lease, w.reason, w.count]),
        ),
  ].join('\n');
}
