import { runCli } from './cli-runner.js';
import type { NodeLab, NodeLabCluster } from './kube-node-lab.js';

/** The NodePort of every cluster's link Service in the lab: nodes reach each other's on the WAN. */
const LINK_NODE_PORT = 30443;

/** `causeway <args>` as a user runs it; throws with its stderr when it fails. */
export async function causeway(args: string[], timeoutMs = 300_000): Promise<string> {
  const result = await runCli(args, { timeoutMs });
  if (result.code !== 0)
    throw new Error(`causeway ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Installs Causeway in one lab cluster as a user does (`causeway kube install`, site id = context,
 * link port a NodePort on the node's WAN address) and waits for the Deployment to be Ready.
 */
export async function installCauseway(lab: NodeLab, cluster: NodeLabCluster): Promise<void> {
  const site = cluster.context;
  await causeway([
    'kube',
    'install',
    '--kubeconfig',
    lab.kubeconfigPath,
    '--context',
    site,
    '--site',
    site,
    '--zone',
    `${site}-1a`,
    '--region',
    site,
    '--link-service',
    'NodePort',
    '--link-node-port',
    String(LINK_NODE_PORT),
    '--advertise',
    `${cluster.nodeAddress}:${LINK_NODE_PORT}`,
  ]);
  await cluster.kubectl([
    '-n',
    'causeway-system',
    'rollout',
    'status',
    'deployment/causeway',
    '--timeout=180s',
  ]);
}

/** Installs Causeway in every lab cluster, links each to the first, and wires each CoreDNS for clusterset.local. */
export async function installClusterset(
  lab: NodeLab,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const [hub, ...rest] = lab.clusters;
  for (const cluster of lab.clusters) {
    await installCauseway(lab, cluster);
    log(`causeway installed and Ready in ${cluster.context}`);
  }
  for (const cluster of rest) {
    if (hub === undefined) break;
    await causeway([
      'kube',
      'link',
      '--kubeconfig',
      lab.kubeconfigPath,
      '--from',
      hub.context,
      '--to',
      cluster.context,
      '--timeout',
      '120s',
    ]);
    log(`linked ${cluster.context} to ${hub.context}`);
  }
  for (const cluster of lab.clusters)
    await causeway([
      'kube',
      'dns',
      '--kubeconfig',
      lab.kubeconfigPath,
      '--context',
      cluster.context,
      '--apply',
    ]);
  log('CoreDNS forwards clusterset.local to Causeway in every cluster');
}
