import { X509Certificate } from 'node:crypto';
import type { StatusReport } from '../api/index.js';
import type { DoctorCheck } from './doctor-check.js';

/** RTT above which a link is reported slow (leases renew every third of their TTL). */
const SLOW_RTT_MS = 250;
const DAY_MS = 86_400_000;

/** Each link's state and RTT, from the router's status. */
export function linkChecks(status: StatusReport): DoctorCheck[] {
  if (status.links.length === 0)
    return [
      {
        check: 'links',
        severity: 'warning',
        message: 'no links: this site reaches no other site',
        hint: "`causeway token issue` here, or `causeway link create` with another site's token",
      },
    ];
  return status.links.map((l) => {
    const check = `link ${l.peer}`;
    if (l.state !== 'up')
      return {
        check,
        severity: 'failure',
        message: `${l.state} since ${l.since}${l.lastError === null ? '' : `: ${l.lastError}`}`,
        hint: `check that ${l.endpoints.join(', ') || 'the peer'} is reachable and its router runs (\`causeway status\` there)`,
      };
    const rtt = l.rttMs === null ? 'RTT not measured yet' : `RTT ${l.rttMs.toFixed(1)} ms`;
    return l.rttMs !== null && l.rttMs > SLOW_RTT_MS
      ? {
          check,
          severity: 'warning',
          message: `up, ${rtt}`,
          hint: 'a slow link delays failover and lease renewal; check the path',
        }
      : { check, severity: 'ok', message: `up, ${rtt}, ${l.connections} connection(s)` };
  });
}

/** A certificate's days left: failure when expired, warning inside 14 days. */
export function certificateCheck(name: string, pem: string, now: number): DoctorCheck {
  const cert = new X509Certificate(pem);
  const left = Date.parse(cert.validTo) - now;
  const check = `certificate ${name}`;
  if (left <= 0)
    return {
      check,
      severity: 'failure',
      message: `expired ${cert.validTo}`,
      hint: 'peers refuse an expired certificate; issue a new one from the clusterset CA',
    };
  const days = Math.floor(left / DAY_MS);
  return days < 14
    ? {
        check,
        severity: 'warning',
        message: `expires in ${days} day(s) (${cert.validTo})`,
        hint: 'renew it before it runs out',
      }
    : { check, severity: 'ok', message: `valid for ${days} more days` };
}

/** Sites this one cannot reach although they are members (the partition view). */
export function partitionCheck(status: StatusReport): DoctorCheck {
  const p = status.partition;
  if (p === null) return { check: 'partition', severity: 'ok', message: 'no other members yet' };
  if (!p.majority)
    return {
      check: 'partition',
      severity: 'failure',
      message: `minority side: ${p.reachable.length}/${p.members.length} members reachable (quorum ${p.quorum}); safe mode`,
      hint: `reach ${p.unreachable.join(', ')} again; single-writer writes are refused meanwhile`,
    };
  return p.unreachable.length > 0
    ? {
        check: 'partition',
        severity: 'warning',
        message: `unreachable members: ${p.unreachable.join(', ')}`,
      }
    : { check: 'partition', severity: 'ok', message: `all ${p.members.length} members reachable` };
}
