import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadSiteConfig, sitePaths } from '../../config/index.js';
import { createLogger } from '../../observability/index.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

interface ControllerFlags {
  dir?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string;
  leaseDuration: number;
  workers: number;
  gslbFile?: string;
}

export function kubeControllerCommand(): Command {
  return new Command('controller')
    .description(
      "map this cluster's Services to the site's exports, and the clusterset's services back as ServiceImports (Kubernetes MCS API)",
    )
    .option('--dir <dir>', `${DIR_HELP}; the router of this site runs beside the controller`)
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: in-cluster credentials inside a pod, else $KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option(
      '--namespace <ns>',
      'namespace of the controller: its leader Lease and the link Secrets live there',
      'causeway-system',
    )
    .option(
      '--lease-duration <seconds>',
      'leader Lease duration; a replica takes over this long after the leader stops renewing',
      intOption('--lease-duration', 2, 300),
      15,
    )
    .option('--workers <n>', 'reconciles run at once', intOption('--workers', 1, 64), 8)
    .option(
      '--gslb-file <file>',
      'GSLB file (made by `causeway gslb init`) to write GlobalRecords and k8gb Gslbs into; `gslb serve` answers from it',
    )
    .addHelpText(
      'after',
      `
What it does (runs until SIGINT/SIGTERM; JSON logs on stdout):
  - installs the ServiceExport/ServiceImport (multicluster.x-k8s.io v1beta1, v1alpha1) and
    ClusterProperty (about.k8s.io) CRDs when absent; uses ones already installed if they serve
    a version it speaks, never overwriting them
  - records the site id as ClusterProperty cluster.clusterset.k8s.io, and refuses to start if
    that property already names another site
  - ServiceExport → the Service's ports and EndpointSlice endpoints (readiness, zones) become the
    site's exports, written with the cluster's namespaces to <dir>/managed.json (site.yaml is
    left as you wrote it); conditions Valid / Ready / Conflict are set on the ServiceExport
  - each clusterset service whose namespace exists here → a ServiceImport, a derived Service
    (derived-<hash>) whose ClusterIP is the ServiceImport's spec.ips, and EndpointSlices pointing
    at the router's virtual IP for it; all removed when the last export goes
  - a Service annotated causeway.io/global: "true" (or service.cilium.io/global) is also reachable
    by its ordinary name in other clusters; causeway.io/affinity (or service.cilium.io/affinity)
    local|remote|none sets the import policy
  - Secrets labelled causeway.io/token-request / causeway.io/link-token in --namespace issue and
    redeem link tokens (used by \`causeway kube link\`)
  - with --gslb-file: each GlobalRecord (causeway.io/v1alpha1) becomes the record \`causeway gslb set\`
    would write there; k8gb Gslbs (k8gb.io/v1beta1, when that CRD is installed) too, one record per
    Ingress host. A target's address is given, or read from a LoadBalancer Service, an Ingress or a
    Gateway of this site's cluster. Conditions: Accepted (reasons Programmed, InvalidSpec,
    ZoneMismatch, NameConflict, UnknownService, NoAddress) and site.causeway.io/<site> per target
    (ReadyEndpoints, NoReadyEndpoints, NotExported, Unreachable, AddressUnknown)
  - with several replicas, only the holder of Lease causeway-controller in --namespace writes

Example:
  causeway site run --dir /var/lib/causeway &
  causeway kube controller --dir /var/lib/causeway --kubeconfig ~/.kube/config --context east`,
    )
    .action(
      runAction(async (opts: ControllerFlags) => {
        const paths = sitePaths(siteDir(opts.dir));
        const site = (await loadSiteConfig(paths.config)).site;
        // Loaded here, not at the top: the Kubernetes client costs every other command ~0.8 s of start-up.
        const { KubeController } = await import('../../kube/index.js');
        const controller = await KubeController.start({
          dir: paths.dir,
          namespace: opts.namespace,
          leaseDurationSeconds: opts.leaseDuration,
          workers: opts.workers,
          logger: createLogger(site.id).child({ component: 'kube-controller' }),
          ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
          ...(opts.context === undefined ? {} : { context: opts.context }),
          ...(opts.gslbFile === undefined ? {} : { gslbFile: resolve(opts.gslbFile) }),
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await controller.stop();
        process.exit(0);
      }),
    );
}
