import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { revokeSite } from '../../site/index.js';
import { emit, outputFormat } from '../output.js';
import { ADMIN_CERT_HELP, ADMIN_KEY_HELP, DIR_HELP, adminKeyFiles, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

/** `causeway site revoke <id>`: takes a site out of the clusterset for good. */
export function siteRevokeCommand(): Command {
  return new Command('revoke')
    .description(
      'revoke a site for good: every site closes its links, refuses its certificate and forgets its exports (needs the CA key or an admin key)',
    )
    .argument('<site>', 'id of the site to revoke')
    .option('--dir <dir>', DIR_HELP)
    .option('--reason <text>', 'why, kept with the revocation and logged at every site', '')
    .option('--admin-key <file>', ADMIN_KEY_HELP)
    .option('--admin-cert <file>', ADMIN_CERT_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
The revocation is signed by the clusterset CA key (present in the site directory of the site that
created the clusterset) or by an admin key the CA issued, so any site can carry it but none can
forge one. The running router floods it with the adverts; every site keeps it in revocations.json
and, within a second: closes its links with the revoked site, refuses the site's certificate at
every handshake (causeway_link_rejections_total{reason="certificate-revoked"}), refuses token
redemptions by or at it, drops it from members.json (the quorum) and drops its exports from the
imports. A revocation is never taken back: the site id is not admitted again.

Examples:
  causeway site revoke us-east --dir ./eu --reason "host compromised"
  causeway site revoke us-east --dir ./ap --admin-key admin-ops.key --admin-cert admin-ops.crt`,
    )
    .action(
      runAction(
        async (
          site: string,
          opts: {
            dir?: string;
            reason: string;
            adminKey?: string;
            adminCert?: string;
            output: string;
          },
        ) => {
          const format = outputFormat(opts.output);
          const admin = adminKeyFiles(opts.adminKey, opts.adminCert);
          const result = await revokeSite(sitePaths(siteDir(opts.dir)), site, {
            reason: opts.reason,
            ...(admin === undefined ? {} : { admin }),
          });
          emit(format, result, () =>
            [
              result.added
                ? `site ${site} revoked (signed by ${result.signer})`
                : `site ${site} was revoked already; the first revocation stands`,
              result.live
                ? 'the running router enforces it and floods it to every site now'
                : 'the router is not running: it floods the revocation when it starts',
            ].join('\n'),
          );
        },
      ),
    );
}
