import { Command } from 'commander';
// install-defaults has no imports; the rest of kube/install is loaded when the command runs.
import { DEFAULT_NAMESPACE } from '../../config/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat } from '../output.js';
import { runAction } from '../run-action.js';

/** `causeway kube link`: a token exchange between two clusters through their API servers. */
export function kubeLinkCommand(): Command {
  return new Command('link')
    .description(
      'link two clusters: --to dials --from, with a one-time token passed through the Kubernetes API (no files to copy)',
    )
    .requiredOption(
      '--from <context>',
      'context of the cluster that issues the token (the one dialed)',
    )
    .requiredOption('--to <context>', 'context of the cluster that redeems it (the one that dials)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file holding both contexts (default: $KUBECONFIG or ~/.kube/config)',
    )
    .option('--namespace <name>', 'namespace Causeway runs in, in both clusters', DEFAULT_NAMESPACE)
    .option('--timeout <duration>', 'how long to wait for each controller, e.g. 60s, 2m', '60s')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Both clusters need Causeway installed (\`causeway kube install\`) and its controller running. The
controller of --from writes a one-time token into Secret causeway-token-request-<to site>; this
command hands it to --to as Secret causeway-link-<from site>, whose controller redeems it and
reports Linked (exit 0) or Failed (exit 4, with the reason).

Example:
  causeway kube link --from east --to west`,
    )
    .action(
      runAction(
        async (flags: {
          from: string;
          to: string;
          kubeconfig?: string;
          namespace: string;
          timeout: string;
          output: string;
        }) => {
          const format = outputFormat(flags.output);
          const { linkClusters } = await import('../../kube/install/index.js');
          const report = await linkClusters({
            from: flags.from,
            to: flags.to,
            namespace: flags.namespace,
            timeoutMs: parseDuration(flags.timeout),
            ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
          });
          emit(
            format,
            report,
            () =>
              `linked: ${report.to.site} (${report.to.context}) → ${report.from.site} (${report.from.context})${report.message === '' ? '' : `: ${report.message}`}`,
          );
        },
      ),
    );
}
