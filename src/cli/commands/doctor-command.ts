import { Command } from 'commander';
import { ApiClient } from '../../api/index.js';
import { loadSiteConfig } from '../../config/index.js';
import { doctorExit, runDoctor, type DoctorCheck } from '../../doctor/index.js';
import { sitePaths } from '../../site-files/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

/** `causeway doctor`: checks a site and says what to fix; exits by the worst finding. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check a site and tell what to fix: links and RTT, partition, certificates, DNS, export backends, import listeners',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Exit codes: 0 every check passed, 5 warnings only, 6 at least one failure (2 bad input, 3 no
router runs for the site).

Examples:
  causeway doctor --dir ./eu
  causeway doctor --dir ./eu --output json | jq '.checks[] | select(.severity != "ok")'`,
    )
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const paths = sitePaths(siteDir(opts.dir));
        const config = await loadSiteConfig(paths.config);
        const status = await new ApiClient(paths).status();
        const checks = await runDoctor(paths, status, config.dns.zone, Date.now());
        const exit = doctorExit(checks);
        emit(format, { site: status.site.id, exit, checks }, () => renderDoctor(checks));
        process.exitCode = exit;
      }),
    );
}

const MARK = { ok: 'ok', warning: 'WARN', failure: 'FAIL' } as const;

/** The text form of `doctor`: one row per check, then the hints of those that did not pass. */
export function renderDoctor(checks: readonly DoctorCheck[]): string {
  const hints = checks.filter((c) => c.severity !== 'ok' && c.hint !== undefined);
  return [
    table(
      ['', 'CHECK', 'FINDING'],
      checks.map((c) => [MARK[c.severity], c.check, c.message]),
    ),
    ...(hints.length === 0 ? [] : ['', ...hints.map((c) => `hint: ${c.check}: ${c.hint ?? ''}`)]),
  ].join('\n');
}
