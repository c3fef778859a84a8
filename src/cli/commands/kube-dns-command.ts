import { Command } from 'commander';
import { DEFAULT_NAMESPACE, parseHostPort } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
// install-defaults has no imports; the rest of kube/install is loaded when the command runs.
import { emit, outputFormat } from '../output.js';
import { runAction } from '../run-action.js';

interface DnsFlags {
  context: string;
  kubeconfig?: string;
  namespace: string;
  server?: string;
  apply?: boolean;
  remove?: boolean;
  output: string;
}

/** `causeway kube dns`: CoreDNS forwards clusterset.local to Causeway's DNS. */
export function kubeDnsCommand(): Command {
  return new Command('dns')
    .description(
      `print (or --apply to CoreDNS) the server block that forwards clusterset.local to Causeway's DNS`,
    )
    .requiredOption('--context <name>', 'kubeconfig context of the cluster')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <name>', 'namespace Causeway was installed in', DEFAULT_NAMESPACE)
    .option(
      '--server <host[:port]>',
      'forward to this address instead of Service causeway-dns (a router outside the cluster)',
    )
    .option(
      '--apply',
      'write the block into ConfigMap kube-system/coredns (key Corefile); running it again changes nothing',
    )
    .option('--remove', 'take the block out of ConfigMap kube-system/coredns')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
The block sits between "# causeway:begin" and "# causeway:end" lines at the end of the Corefile;
nothing else is touched. CoreDNS's reload plugin (on in kubeadm's default Corefile) picks the
change up within a few seconds.

Examples:
  causeway kube dns --context east              # print the block
  causeway kube dns --context east --apply      # wire it into CoreDNS
  causeway kube dns --context east --remove`,
    )
    .action(
      runAction(async (flags: DnsFlags) => {
        const format = outputFormat(flags.output);
        if (flags.apply === true && flags.remove === true) {
          throw new CausewayError(ErrorCode.InputInvalid, '--apply and --remove together', {
            hint: 'use one of them (neither prints the block)',
          });
        }
        if (flags.server !== undefined && !flags.server.includes(':'))
          parseHostPort(`${flags.server}:53`, '--server');
        else if (flags.server !== undefined) parseHostPort(flags.server, '--server');
        const { CLUSTERSET_ZONE, KubeSession, causewayDnsAddress, wireCoredns } =
          await import('../../kube/install/index.js');
        const session = KubeSession.open({
          context: flags.context,
          ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
        });
        const upstream = flags.server ?? (await causewayDnsAddress(session, flags.namespace));
        const mode = flags.apply === true ? 'apply' : flags.remove === true ? 'remove' : 'print';
        const wiring = await wireCoredns(session, { upstream, zone: CLUSTERSET_ZONE, mode });
        emit(format, { context: session.context, mode, ...wiring }, () => {
          if (mode === 'print') return wiring.block.trimEnd();
          const what =
            mode === 'apply'
              ? `forwards ${wiring.zone} to ${wiring.upstream}`
              : `no longer forwards ${wiring.zone} to Causeway`;
          return `CoreDNS in context ${session.context} ${what}${wiring.changed ? '' : ' (already so; nothing changed)'}`;
        });
      }),
    );
}
