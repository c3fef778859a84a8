import { Command } from 'commander';
import { DEFAULT_NAMESPACE, loadSiteConfig, sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
// install-defaults has no imports; the rest of kube/install is loaded when the command runs.
import { createLogger } from '../../observability/index.js';
import { parseDuration } from '../../token/index.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

interface SaveSiteFlags {
  dir?: string;
  namespace: string;
  kubeconfig?: string;
  context?: string;
  interval: string;
  once?: boolean;
}

/** `causeway kube save-site`: the pod's site directory back into Secret causeway-site. */
export function kubeSaveSiteCommand(): Command {
  return new Command('save-site')
    .description(
      'keep Secret causeway-site in step with the site directory, so a restarted pod keeps its links, clusterset and virtual IPs',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--namespace <name>', 'namespace of Secret causeway-site', DEFAULT_NAMESPACE)
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: in-cluster credentials inside a pod, else $KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--interval <duration>', 'how often to look for changes, e.g. 2s', '2s')
    .option('--once', 'save once if anything changed, then exit')
    .addHelpText(
      'after',
      `
The Deployment of \`causeway kube install\` runs this beside the router: the pod restores the site
from the Secret when it starts, and changes made while it runs (\`causeway kube link\`, joining a
clusterset, virtual IPs, issued tokens) are written back within --interval. Runs until SIGTERM.

Example:
  causeway kube save-site --dir /var/lib/causeway/site --namespace causeway-system`,
    )
    .action(
      runAction(async (flags: SaveSiteFlags) => {
        const intervalMs = parseDuration(flags.interval);
        if (intervalMs < 1_000)
          throw new CausewayError(
            ErrorCode.InputInvalid,
            `--interval: "${flags.interval}" is shorter than 1s`,
            { hint: 'use e.g. --interval 2s' },
          );
        const { KubeSession, keepSiteSaved, saveSiteOnce } =
          await import('../../kube/install/index.js');
        const paths = sitePaths(siteDir(flags.dir));
        const site = (await loadSiteConfig(paths.config)).site;
        const session = KubeSession.open({
          ...(flags.context === undefined ? {} : { context: flags.context }),
          ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
        });
        // With --once the printed word is the result; the JSON log is for the long-running container.
        const logger = createLogger(site.id, flags.once === true ? 'silent' : undefined).child({
          component: 'site-saver',
        });
        if (flags.once === true) {
          const written = await saveSiteOnce({
            session,
            dir: paths.dir,
            namespace: flags.namespace,
            logger,
          });
          process.stdout.write(written ? 'saved\n' : 'unchanged\n');
          return;
        }
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        await keepSiteSaved({
          session,
          dir: paths.dir,
          namespace: flags.namespace,
          intervalMs,
          logger,
          signal: stop.signal,
        });
      }),
    );
}
