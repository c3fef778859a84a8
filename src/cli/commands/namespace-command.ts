import { Command } from 'commander';
import { sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { editSiteConfig } from '../../site/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Declared namespaces: MCS imports a service only where its namespace exists. */
export function namespaceCommand(): Command {
  const ns = new Command('namespace').description(
    'namespaces present at this site (clusterset services are imported only into present namespaces)',
  );
  for (const [verb, description] of [
    [
      'add',
      'declare a namespace present here: its clusterset services get virtual IPs and DNS names',
    ],
    [
      'remove',
      "stop declaring a namespace (namespaces of this site's exports and imports stay present)",
    ],
  ] as const) {
    ns.command(verb)
      .description(description)
      .argument('<namespace>', 'namespace name (a DNS label)')
      .option('--dir <dir>', DIR_HELP)
      .option('--output <format>', 'text or json', 'text')
      .action(
        runAction(async (name: string, opts: { dir?: string; output: string }) => {
          const format = outputFormat(opts.output);
          if (!LABEL.test(name))
            throw new CausewayError(
              ErrorCode.InputInvalid,
              `<namespace>: "${name}" is not a DNS label`,
              { hint: 'use lowercase letters, digits and "-"' },
            );
          const { live, config } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (c) => {
            c.namespaces =
              verb === 'add'
                ? [...new Set([...c.namespaces, name])].sort()
                : c.namespaces.filter((n) => n !== name);
          });
          emit(
            format,
            { namespaces: config.namespaces, live },
            () => `namespaces declared here: ${config.namespaces.join(', ') || '(none)'}`,
          );
        }),
      );
  }
  return ns;
}
