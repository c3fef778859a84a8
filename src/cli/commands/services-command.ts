import { Command } from 'commander';
import { stringify } from 'yaml';
import { ApiClient } from '../../api/index.js';
import { sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { StatusReport } from '../../api/index.js';
import { table } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function servicesCommand(): Command {
  return new Command('services')
    .description(
      "the clusterset's services as this site sees them: type, ports, exporting sites, virtual IP, DNS name and MCS conditions",
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text, json or yaml', 'text')
    .addHelpText(
      'after',
      `
Exports of one name+namespace from several sites form one service (MCS). Properties that differ
are resolved by the oldest export and reported as Conflict conditions (PortConflict, TypeConflict,
...) on every exporting site. A service is imported (virtual IP, DNS) only where its namespace is
present.`,
    )
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        if (!['text', 'json', 'yaml'].includes(opts.output)) {
          throw new CausewayError(
            ErrorCode.InputInvalid,
            `--output: "${opts.output}" is not a format`,
            { hint: 'use --output text, json or yaml' },
          );
        }
        const report = await new ApiClient(sitePaths(siteDir(opts.dir))).status();
        const services = report.services;
        if (opts.output === 'json') process.stdout.write(`${JSON.stringify(services, null, 2)}\n`);
        else if (opts.output === 'yaml') process.stdout.write(stringify(services));
        else process.stdout.write(`${renderServices(report)}\n`);
      }),
    );
}

function renderServices(report: StatusReport): string {
  if (report.services.length === 0)
    return 'no services in the clusterset yet (`causeway expose` on a site)';
  const rows = report.services.map((s) => {
    const conflict = s.conditions[s.winnerSite]?.conflict;
    return [
      `${s.name}.${s.namespace}`,
      s.type,
      s.ports
        .map((p) => `${p.port}/${p.protocol}${p.name === undefined ? '' : `(${p.name})`}`)
        .join(','),
      s.sites.join(','),
      s.importedHere ? (s.vip ?? '-') : '(namespace not here)',
      s.ready === false ? 'no' : 'yes',
      conflict?.status === 'True' ? conflict.reason : '-',
    ];
  });
  const lines = [table(['SERVICE', 'TYPE', 'PORTS', 'SITES', 'VIP', 'READY', 'CONFLICT'], rows)];
  for (const s of report.services) {
    for (const n of s.notReadyHere ?? [])
      lines.push(`${s.name}.${s.namespace}:${n.port} → ${n.to} not ready here: ${n.reason}`);
    const conflict = s.conditions[s.winnerSite]?.conflict;
    if (conflict?.status === 'True') lines.push(`${s.name}.${s.namespace}: ${conflict.message}`);
  }
  if (report.dnsAddress !== null)
    lines.push(
      '',
      `DNS: dig @${report.dnsAddress.replace(/:(\d+)$/, ' -p $1')} <service>.<namespace>.svc.clusterset.local`,
    );
  return lines.join('\n');
}
