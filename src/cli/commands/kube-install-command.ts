import { Command, Option } from 'commander';
import { DEFAULT_IMAGE, DEFAULT_NAMESPACE, parseHostPort } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
// Types only: kube/install itself (the Kubernetes client) is loaded by the actions.
import type { InstallOptions, LinkServiceType } from '../../kube/install/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat } from '../output.js';
import { intOption } from '../options.js';
import { runAction } from '../run-action.js';

/** Loaded on use: the Kubernetes client is heavy, and other commands should not pay for it. */
const kubeInstall = (): Promise<typeof import('../../kube/install/index.js')> =>
  import('../../kube/install/index.js');

interface InstallFlags {
  context: string;
  kubeconfig?: string;
  site: string;
  zone: string;
  region: string;
  namespace: string;
  image: string;
  linkService: LinkServiceType;
  linkNodePort?: number;
  advertise?: string[];
  trustDomain?: string;
  siteDir?: string;
  listen: string;
  dryRun?: boolean;
  secretOnly?: boolean;
  wait: string;
  output: string;
}

function installOptions(flags: InstallFlags): InstallOptions {
  for (const a of flags.advertise ?? []) parseHostPort(a, '--advertise');
  parseHostPort(flags.listen, '--listen', true);
  if (flags.secretOnly === true && flags.siteDir !== undefined) {
    throw new CausewayError(ErrorCode.InputInvalid, '--secret-only and --site-dir together', {
      hint: '--secret-only prepares a Helm install in the cluster; --site-dir runs the router outside it: pick one',
    });
  }
  if (flags.linkNodePort !== undefined && flags.linkService !== 'NodePort') {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      '--link-node-port needs --link-service NodePort',
      { hint: 'add --link-service NodePort, or drop --link-node-port' },
    );
  }
  return {
    target: {
      context: flags.context,
      ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    },
    siteId: flags.site,
    zone: flags.zone,
    region: flags.region,
    advertise: flags.advertise ?? [],
    namespace: flags.namespace,
    image: flags.image,
    linkService: flags.linkService,
    listen: flags.listen,
    ...(flags.linkNodePort === undefined ? {} : { linkNodePort: flags.linkNodePort }),
    ...(flags.trustDomain === undefined ? {} : { trustDomain: flags.trustDomain }),
    ...(flags.siteDir === undefined ? {} : { siteDir: flags.siteDir }),
    ...(flags.secretOnly === true ? { secretOnly: true } : {}),
    waitMs: waitOption(flags.wait),
  };
}

/** `--wait`: a duration, or 0 for not waiting; the error names the flag. */
function waitOption(text: string): number {
  if (text.trim() === '0') return 0;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new CausewayError(ErrorCode.InputInvalid, `--wait: ${(err as Error).message}`, {
      cause: err,
      hint: 'e.g. --wait 3m, or --wait 0 not to wait for the router Pod',
    });
  }
}

/** `causeway kube install`: CRDs, RBAC, the site and its router in one cluster. */
export function kubeInstallCommand(): Command {
  return new Command('install')
    .description(
      'install Causeway in a cluster as one site: CRDs, namespace, RBAC, the site Secret, the router and controller Deployment and its Services',
    )
    .requiredOption('--context <name>', 'kubeconfig context of the cluster')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .requiredOption(
      '--site <site-id>',
      'stable site id of this cluster, a DNS name such as eu-west (stored as ClusterProperty cluster.clusterset.k8s.io)',
    )
    .requiredOption('--zone <zone>', 'zone of this cluster, e.g. eu-west-1a')
    .requiredOption('--region <region>', 'region of this cluster, e.g. eu-west-1')
    .option(
      '--namespace <name>',
      'namespace for the router, controller and site Secret',
      DEFAULT_NAMESPACE,
    )
    .option(
      '--image <image>',
      'container image of Causeway (built from deploy/image/Dockerfile)',
      DEFAULT_IMAGE,
    )
    .addOption(
      new Option('--link-service <type>', 'how other sites reach the link port')
        .choices(['LoadBalancer', 'NodePort'])
        .default('LoadBalancer'),
    )
    .option(
      '--link-node-port <port>',
      'fixed node port for --link-service NodePort',
      intOption('--link-node-port', 30000, 32767),
    )
    .option(
      '--advertise <host:port...>',
      'address(es) other sites dial, e.g. the load balancer of Service causeway-link; written into link tokens',
    )
    .option(
      '--trust-domain <name>',
      "trust domain of a new clusterset (default: random; a site joins its peer's clusterset when linked)",
    )
    .option(
      '--site-dir <dir>',
      'router outside the cluster: keep the site in this directory and create no Deployment, Services or Secret',
    )
    .option(
      '--listen <host:port>',
      'with --site-dir: link port of a newly created site; port 0 picks a free one',
      '127.0.0.1:0',
    )
    .option(
      '--secret-only',
      "create only the namespace and Secret causeway-site (the site's keys), for `helm install` of deploy/helm/causeway",
    )
    .option(
      '--wait <duration>',
      'wait this long for the router Pod to be Ready, failing at once when its image cannot be pulled; 0 not to wait',
      '180s',
    )
    .option(
      '--dry-run',
      'print the YAML that would be applied (the site Secret is not printed) and change nothing',
    )
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Running it again is safe: objects are applied with server-side apply, the site's keys are kept,
and a cluster that is already another site is refused (exit 4). CRDs that another multi-cluster
implementation installed are left as they are, if they serve v1beta1 or v1alpha1 (else the install
is refused before anything changes, exit 4).

It then waits for the router Pod to be Ready (--wait, 180s by default; 0 not to wait) and fails at
once, exit 2, when the nodes cannot pull --image (ErrImagePull, ImagePullBackOff). A cluster with
no nodes (an API server alone) is not waited for.

Examples:
  causeway kube install --context east --site us-east --zone us-east-1a --region us-east-1
  causeway kube install --context west --site eu-west --zone eu-west-1a --region eu-west-1 \\
      --link-service NodePort --link-node-port 30443 --advertise 203.0.113.7:30443
  causeway kube install --context east --site us-east --zone a --region r --dry-run > causeway.yaml

With Helm (the chart installs the rest; the site's keys never pass through values):
  causeway kube install --context east --site us-east --zone a --region r --secret-only
  helm install causeway deploy/helm/causeway -n causeway-system --set site.id=us-east

Router outside the cluster (a host, or tests without nodes):
  causeway kube install --context east --site us-east --zone a --region r --site-dir ./us-east
  causeway site run --dir ./us-east &
  causeway kube controller --dir ./us-east --context east &`,
    )
    .action(
      runAction(async (flags: InstallFlags) => {
        const format = outputFormat(flags.output);
        const options = installOptions(flags);
        if (flags.dryRun === true) {
          const yaml = await (await kubeInstall()).renderInstall(options);
          emit(format, { dryRun: true, yaml }, () => yaml.trimEnd());
          return;
        }
        const report = await (await kubeInstall()).installSite(options);
        emit(format, report, () => {
          const how = report.siteCreated ? 'created' : 'kept';
          const lines = [
            `site ${report.site} installed in context ${report.context} (namespace ${report.namespace}; site ${how})`,
            ...report.applied.map((a) => `  applied ${a}`),
          ];
          for (const crd of report.keptCrds)
            lines.push(`  kept CustomResourceDefinition ${crd} (installed by someone else)`);
          if (report.rollout?.type === 'ready')
            lines.push(
              `  router Ready in ${(report.rollout.ms / 1000).toFixed(1)}s (Pod ${report.rollout.pods.join(', ')})`,
            );
          if (report.rollout?.type === 'skipped')
            lines.push(`  not waiting for the router: ${report.rollout.reason}`);
          lines.push(
            report.mode === 'secret-only'
              ? `next: helm install causeway deploy/helm/causeway -n ${report.namespace} --set site.id=${report.site}`
              : report.mode === 'site-dir'
                ? `next: causeway site run --dir ${report.siteDir ?? ''} & causeway kube controller --dir ${report.siteDir ?? ''} --context ${report.context}`
                : `next: causeway kube dns --context ${report.context} --apply, then causeway kube link --from ${report.context} --to <other context>`,
          );
          return lines.join('\n');
        });
      }),
    );
}

/** `causeway kube uninstall`: everything install and the controller created, users' exports kept. */
export function kubeUninstallCommand(): Command {
  return new Command('uninstall')
    .description(
      'remove Causeway from a cluster: router, controller, Services, site Secret, RBAC, imports, the CoreDNS block and the namespace',
    )
    .requiredOption('--context <name>', 'kubeconfig context of the cluster')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--namespace <name>', 'namespace Causeway was installed in', DEFAULT_NAMESPACE)
    .option('--purge', 'also delete every ServiceExport and the CRDs Causeway installed')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Your ServiceExports (and the MCS CRDs that hold them) stay, so installing again picks them up;
--purge deletes them too. The site's keys go with Secret causeway-site: a reinstalled site is new
and must be linked again.

Example:
  causeway kube uninstall --context east`,
    )
    .action(
      runAction(
        async (flags: {
          context: string;
          kubeconfig?: string;
          namespace: string;
          purge?: boolean;
          output: string;
        }) => {
          const format = outputFormat(flags.output);
          const report = await (
            await kubeInstall()
          ).uninstallSite({
            target: {
              context: flags.context,
              ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
            },
            namespace: flags.namespace,
            purge: flags.purge === true,
          });
          emit(format, report, () =>
            [
              report.removed.length === 0
                ? `nothing of Causeway found in context ${report.context}`
                : [
                    `removed from context ${report.context}:`,
                    ...report.removed.map((r) => `  ${r}`),
                  ].join('\n'),
              ...report.podsStillTerminating.map(
                (pod) =>
                  `warning: Pod ${report.namespace}/${pod} is still terminating (is its node's kubelet running?); it may write ClusterProperty cluster.clusterset.k8s.io back until it ends`,
              ),
            ].join('\n'),
          );
        },
      ),
    );
}
