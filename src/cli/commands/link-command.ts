import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { createLink, editSiteConfig } from '../../site/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, intOption, readTokenArgument, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function linkCommand(): Command {
  const link = new Command('link').description('links between this site and others');

  link
    .command('create')
    .description('redeem a token from another site and link to it (only this side needs to reach the other)')
    .option('--dir <dir>', DIR_HELP)
    .requiredOption('--token <file>', 'token file from `causeway token issue`, or - for stdin')
    .option('--cost <n>', 'routing cost of this link (lower is preferred)', intOption('--cost', 1, 1_000_000), 1)
    .option('--connections <n>', 'parallel TLS connections for this link', intOption('--connections', 1, 16), 1)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
The token is spent even if this site later removes the link. Once linked, flows can start from
either side. If this site has never linked, it joins the token's clusterset and gets a new
certificate signed by that clusterset's CA.`,
    )
    .action(
      runAction(async (opts: { dir?: string; token: string; cost: number; connections: number; output: string }) => {
        const format = outputFormat(opts.output);
        const result = await createLink(sitePaths(siteDir(opts.dir)), readTokenArgument(opts.token), { cost: opts.cost, connections: opts.connections });
        emit(format, result, () =>
          [
            `linked to site ${result.peer} at ${result.endpoint} (clusterset ${result.trustDomain})`,
            ...(result.joined ? [`this site joined clusterset ${result.trustDomain}`] : []),
            result.live ? 'the running router is connecting now' : 'start the router to connect: causeway site run',
          ].join('\n'),
        );
      }),
    );

  link
    .command('remove')
    .description('stop dialing a peer site')
    .argument('<peer>', 'site id of the peer')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (peer: string, opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const { live } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (config) => {
          const before = config.links.length;
          config.links = config.links.filter((l) => l.peer !== peer);
          if (config.links.length === before) throw new CausewayError(ErrorCode.LinkUnknown, `this site has no link to ${peer}`, { hint: 'see `causeway status`' });
        });
        emit(format, { removed: peer, live }, () => `link to ${peer} removed`);
      }),
    );
  return link;
}
