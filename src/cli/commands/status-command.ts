import { Command } from 'commander';
import { ApiClient } from '../../api/index.js';
import { sitePaths } from '../../site-files/index.js';
import type { StatusReport } from '../../api/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('this site, its links (state, RTT, cost, peer), exports, imports and flow counts')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const report = await new ApiClient(sitePaths(siteDir(opts.dir))).status();
        emit(format, report, () => renderStatus(report));
      }),
    );
}

/** The text form of `status`. */
export function renderStatus(r: StatusReport): string {
  const configured = r.imports.filter((i) => i.kind === 'configured');
  const virtual = r.imports.length - configured.length;
  const lines = [
    // A drill in force comes first: whoever reads the status must not take it for a real outage.
    ...(r.drills ?? []).map(
      (d) =>
        `*** DRILL IN FORCE: ${d.summary} — until ${d.endsAt} (id ${d.id}, by ${d.issuer}) ***`,
    ),
    `site ${r.site.id}  zone ${r.site.zone}  region ${r.site.region}  clusterset ${r.site.trustDomain}`,
    `link port ${r.linkAddress}  dns ${r.dnsAddress ?? 'off'}  pid ${r.pid}  up since ${r.startedAt}`,
    '',
    'LINKS',
    r.links.length === 0
      ? "  (none: `causeway token issue` here, or `causeway link create` with another site's token)"
      : table(
          ['PEER', 'STATE', 'DIRECTION', 'COST', 'RTT', 'CONNS', 'FLOWS', 'SINCE'],
          r.links.map((l) => [
            l.peer,
            l.state,
            l.direction,
            l.cost,
            l.rttMs === null ? '-' : `${l.rttMs.toFixed(2)}ms`,
            l.connections,
            l.flows,
            l.since,
          ]),
        ),
    ...r.links
      .filter((l) => l.dialFailures > 0)
      .map(
        (l) =>
          `  ${l.peer}: ${l.dialFailures} failed dial(s) in a row (${l.endpoints.join(', ')}); last: ${l.lastError ?? '-'}`,
      ),
    r.partition === null
      ? ''
      : `partition: ${r.partition.majority ? 'majority' : 'MINORITY (safe mode)'} — ${r.partition.reachable.length}/${r.partition.members.length} members reachable, quorum ${r.partition.quorum}${r.partition.unreachable.length > 0 ? `; unreachable: ${r.partition.unreachable.join(', ')}` : ''}`,
    ...(r.leases.length === 0
      ? []
      : [
          '',
          'LEASES',
          table(
            ['LEASE', 'HOLDER', 'TOKEN', 'EXPIRES', 'HELD HERE'],
            r.leases.map((l) => [
              l.name,
              !l.known
                ? '(store not answering)'
                : l.live
                  ? (l.holder ?? '-')
                  : `(none; last ${l.holder ?? '-'})`,
              l.fencingToken ?? '-',
              l.expiresAt ?? '-',
              l.holding ? 'holding loop' : '-',
            ]),
          ),
        ]),
    '',
    'ROUTES',
    r.routes.length === 0
      ? '  (no other sites known)'
      : table(
          ['SITE', 'REACHABLE', 'NEXT HOP', 'COST', 'HOPS', 'PATH'],
          r.routes.map((x) => [
            x.site,
            x.reachable ? 'yes' : 'no',
            x.nextHop ?? '-',
            x.cost ?? '-',
            x.hops ?? '-',
            x.path === undefined ? '-' : `${x.path} (${x.pathReason ?? ''})`,
          ]),
        ),
    ...(r.networkConflicts ?? []).map((c) => `  NetworkChanged: ${c.message}`),
    '',
    'EXPORTS',
    r.exports.length === 0
      ? '  (none)'
      : table(
          ['SERVICE', 'PORT', 'BACKEND', 'READY', 'ACTIVE', 'FLOWS', 'FAILED'],
          r.exports.map((e) => [
            `${e.name}.${e.namespace}`,
            e.port,
            e.to,
            e.ready ? 'yes' : 'no',
            e.flows.active,
            e.flows.total,
            e.flows.failed,
          ]),
        ),
    ...r.exports
      .filter((e) => !e.ready)
      .map((e) => `  ${e.name}.${e.namespace}:${e.port} not ready: ${e.reason ?? 'unknown'}`),
    '',
    'IMPORTS',
    configured.length === 0
      ? '  (none configured)'
      : table(
          ['SERVICE', 'LISTEN', 'PORT', 'EXPORTED BY', 'ACTIVE', 'FLOWS', 'FAILED'],
          configured.map((i) => [
            `${i.name}.${i.namespace}${i.site === null ? '' : `@${i.site}`}`,
            i.listen,
            i.port ?? '-',
            i.exporters.join(',') || '-',
            i.flows.active,
            i.flows.total,
            i.flows.failed,
          ]),
        ),
    ...(virtual > 0
      ? [`  plus ${virtual} virtual-IP listener(s) for clusterset services: \`causeway services\``]
      : []),
  ];
  return lines.join('\n');
}
