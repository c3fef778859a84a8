import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { createLink, removeLink } from '../../site/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, intOption, readTokenArgument, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function linkCommand(): Command {
  const link = new Command('link').description('links between this site and others');

  link
    .command('create')
    .description(
      'redeem a token from another site and link to it (only this side needs to reach the other)',
    )
    .option('--dir <dir>', DIR_HELP)
    .requiredOption('--token <file>', 'token file from `causeway token issue`, or - for stdin')
    .option(
      '--cost <n>',
      'routing cost of this link (lower is preferred)',
      intOption('--cost', 1, 1_000_000),
      1,
    )
    .option(
      '--connections <n>',
      'parallel TLS connections for this link',
      intOption('--connections', 1, 16),
      1,
    )
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
The token is spent even if this site later removes the link. Once linked, flows can start from
either side. If this site has never linked, it joins the token's clusterset and gets a new
certificate signed by that clusterset's CA.`,
    )
    .action(
      runAction(
        async (opts: {
          dir?: string;
          token: string;
          cost: number;
          connections: number;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          const result = await createLink(
            sitePaths(siteDir(opts.dir)),
            readTokenArgument(opts.token),
            { cost: opts.cost, connections: opts.connections },
          );
          emit(format, result, () =>
            [
              `linked to site ${result.peer} at ${result.endpoint} (clusterset ${result.trustDomain})`,
              ...(result.joined ? [`this site joined clusterset ${result.trustDomain}`] : []),
              result.live
                ? 'the running router is connecting now'
                : 'start the router to connect: causeway site run',
            ].join('\n'),
          );
        },
      ),
    );

  link
    .command('remove')
    .description(
      'remove the link to a peer site, from either end: it closes on both sides and the peer does not dial again',
    )
    .argument('<peer>', 'site id of the peer')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Works on the site that dials (it stops dialing) and on the site that was dialed (it closes the
link, refuses the peer from then on and tells it to stop dialing). To link the two again, issue a
new token and redeem it: \`causeway token issue\` here, \`causeway link create\` there.`,
    )
    .action(
      runAction(async (peer: string, opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const result = await removeLink(sitePaths(siteDir(opts.dir)), peer);
        emit(
          format,
          { removed: peer, ...result },
          () =>
            `link to ${peer} removed${result.live ? ' (closed on both sides)' : ' (saved; applies when the router starts)'}`,
        );
      }),
    );
  return link;
}
