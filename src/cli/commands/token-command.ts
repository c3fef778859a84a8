import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { TokenStore, parseDuration } from '../../token/index.js';
import { issueLinkToken } from '../../site/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function tokenCommand(): Command {
  const token = new Command('token').description(
    'one-time secrets that let another site link to this one',
  );

  token
    .command('issue')
    .description('print a new link token on stdout (a secret: send it to the other site privately)')
    .option('--dir <dir>', DIR_HELP)
    .option('--uses <n>', 'how many sites may redeem it', intOption('--uses', 1, 1000), 1)
    .option('--expires <duration>', 'lifetime, e.g. 90s, 15m, 2h, 1d', '15m')
    .option('--output <format>', 'text (the token alone) or json', 'text')
    .addHelpText(
      'after',
      '\nExample:\n  causeway token issue --dir ./eu > eu.token\n  causeway link create --dir ./us --token eu.token   # on the other site',
    )
    .action(
      runAction(async (opts: { dir?: string; uses: number; expires: string; output: string }) => {
        const format = outputFormat(opts.output);
        const ttlMs = parseDuration(opts.expires);
        const { token: t, text } = await issueLinkToken(sitePaths(siteDir(opts.dir)), {
          uses: opts.uses,
          ttlMs,
        });
        emit(
          format,
          {
            token: text,
            id: t.id,
            expiresAt: t.expiresAt.toISOString(),
            uses: opts.uses,
            endpoints: t.endpoints,
          },
          () => text,
        );
        if (format === 'text' && process.stdout.isTTY !== true) return;
        if (format === 'text')
          process.stderr.write(
            `token ${t.id} valid until ${t.expiresAt.toISOString()} for ${opts.uses} use(s)\n`,
          );
      }),
    );

  token
    .command('list')
    .description('tokens this site issued that are still outstanding (never their secrets)')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const tokens = await new TokenStore(sitePaths(siteDir(opts.dir)).tokens).list();
        emit(format, tokens, () =>
          tokens.length === 0
            ? 'no outstanding tokens'
            : table(
                ['ID', 'USES LEFT', 'EXPIRES'],
                tokens.map((t) => [t.id, t.usesLeft, t.expiresAt.toISOString()]),
              ),
        );
      }),
    );
  return token;
}
