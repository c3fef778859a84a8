import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { issueAdmin } from '../../site/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function adminCommand(): Command {
  const admin = new Command('admin').description(
    'admin keys: sign clusterset-wide actions (revoking a site) away from the CA key',
  );
  admin
    .command('issue')
    .description('make an admin key and certificate, signed by the CA key of --dir')
    .requiredOption(
      '--name <name>',
      'who holds it, a DNS label such as ops (spiffe://<td>/admin/<name>)',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--out <dir>', 'where to write admin-<name>.key and admin-<name>.crt', '.')
    .option(
      '--valid-days <n>',
      'lifetime of the certificate',
      intOption('--valid-days', 1, 3650),
      90,
    )
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Run it on a site holding the CA key. The admin certificate is no site certificate: it opens no
link; it only signs. Both files are written with mode 0600.

Example:
  causeway admin issue --name ops --dir ./eu --out ~/.causeway
  causeway site revoke us-east --dir ./ap --admin-key ~/.causeway/admin-ops.key --admin-cert ~/.causeway/admin-ops.crt`,
    )
    .action(
      runAction(
        async (opts: {
          name: string;
          dir?: string;
          out: string;
          validDays: number;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          const result = await issueAdmin(
            sitePaths(siteDir(opts.dir)),
            opts.name,
            opts.out,
            opts.validDays,
          );
          emit(format, result, () => `admin ${result.name}: ${result.keyFile}, ${result.certFile}`);
        },
      ),
    );
  return admin;
}
