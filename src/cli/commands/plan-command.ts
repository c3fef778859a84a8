import { Command } from 'commander';
import { stringify } from 'yaml';
import { loadSiteConfig, sitePaths, type NetworkConfig } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { buildNetworkPlan, type NetworkPlan, type SiteNetworks } from '../../network/index.js';
import { editSiteConfig } from '../../site/index.js';
import { intOption } from '../options.js';
import { runAction } from '../run-action.js';
import { renderPlan } from './plan-text.js';

interface PlanOptions {
  dir: string[];
  cluster: string[];
  kubeconfig?: string;
  pool?: string;
  prefix?: number;
  new: number;
  write?: boolean;
  output: string;
}

/** A site of the plan and, when it has one, the directory its config lives in. */
interface Collected {
  networks: SiteNetworks;
  dir?: string;
  /** Blocks read from the cluster, to be written into `dir` with --write. */
  read?: Pick<NetworkConfig, 'pods' | 'services' | 'nodes'>;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function planCommand(): Command {
  return new Command('plan')
    .description(
      "the clusterset's address space: CIDR overlaps between sites, new blocks from a pool, flat or island per pair",
    )
    .option(
      '--dir <dir>',
      "a site directory: its site.yaml's network section (repeatable)",
      collect,
      [],
    )
    .option(
      '--cluster <context[=dir]>',
      "read a cluster at this kubeconfig context: nodes' podCIDRs and addresses, ServiceCIDR objects (or a dry-run probe); with =dir the site is that directory's (repeatable)",
      collect,
      [],
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig for --cluster (default: $KUBECONFIG or ~/.kube/config)',
    )
    .option('--pool <cidr>', 'pool new pod CIDRs are taken from, e.g. 10.0.0.0/8')
    .option(
      '--prefix <bits>',
      'prefix length of each new block, e.g. 16',
      intOption('--prefix', 0, 128),
    )
    .option(
      '--new <count>',
      'new clusters to allocate for besides sites without a pod CIDR',
      intOption('--new', 0, 1024),
      0,
    )
    .option(
      '--write',
      "write the plan into the sites' config: CIDRs read from clusters, and new blocks for sites without a pod CIDR",
    )
    .option('--output <format>', 'text, json or yaml', 'text')
    .addHelpText(
      'after',
      `
Each pair is flat (pods reach each other's pods by their own addresses; Causeway then lists the
remote Pods' addresses in imports once a probe confirms the route) or island (through the routers).
Island is forced when any blocks of the two sites overlap, when a side does not declare
network.routable, or when the sides route in different network.domain. Otherwise the decision
table votes: clusters (< 10: flat), clouds (one: flat), CNI (aws-vpc-cni, azure-cni: flat; overlay
CNIs: island) and compliance (high: island); a tie stays island.

New blocks are the lowest aligned /prefix blocks of --pool that overlap no block of any site (as
AWS VPC IPAM allocates: pool and netmask length, never two equal).

Examples:
  causeway plan --dir ./east --dir ./west --dir ./south
  causeway plan --cluster kind-east=./east --cluster kind-west=./west --output yaml
  causeway plan --dir ./east --dir ./new-site --pool 10.0.0.0/8 --prefix 16 --new 2 --write`,
    )
    .action(
      runAction(async (opts: PlanOptions) => {
        const format = planFormat(opts.output);
        const sites = await collectSites(opts);
        const needing = sites.filter((s) => s.networks.pods.length === 0);
        const ask = allocationAsk(opts, needing.length + opts.new);
        const asked = buildNetworkPlan(
          sites.map((s) => s.networks),
          ask,
        );
        // The new blocks go to the sites without a pod CIDR first (in the order given), the rest
        // to the --new clusters; the advice is then made with them in place.
        const blocks = asked.allocation?.blocks ?? [];
        needing.forEach((s, i) => {
          const block = blocks[i];
          if (block !== undefined) s.networks.pods = [block];
        });
        const plan: NetworkPlan = {
          ...buildNetworkPlan(sites.map((s) => s.networks)),
          ...(asked.allocation === undefined ? {} : { allocation: asked.allocation }),
        };
        if (opts.write === true) await writePlan(sites, needing);
        if (format === 'json') process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
        else if (format === 'yaml') process.stdout.write(stringify(plan));
        else
          process.stdout.write(
            `${renderPlan(plan, {
              wrote: opts.write === true,
              newSites: needing.map((s) => s.networks.site),
            })}\n`,
          );
      }),
    );
}

function planFormat(value: string): 'text' | 'json' | 'yaml' {
  if (value === 'text' || value === 'json' || value === 'yaml') return value;
  throw new CausewayError(ErrorCode.InputInvalid, `--output: "${value}" is not a format`, {
    hint: 'use --output text, json or yaml',
  });
}

function allocationAsk(opts: PlanOptions, count: number): Parameters<typeof buildNetworkPlan>[1] {
  if (opts.pool === undefined && opts.prefix === undefined) {
    if (opts.new > 0)
      throw new CausewayError(ErrorCode.InputInvalid, '--new: needs --pool and --prefix', {
        hint: 'e.g. --pool 10.0.0.0/8 --prefix 16 --new 2',
      });
    return undefined;
  }
  if (opts.pool === undefined || opts.prefix === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${opts.pool === undefined ? '--pool' : '--prefix'}: missing`,
      {
        hint: 'new blocks need both a pool and a prefix length, e.g. --pool 10.0.0.0/8 --prefix 16',
      },
    );
  return { pool: opts.pool, prefix: opts.prefix, count };
}

async function collectSites(opts: PlanOptions): Promise<Collected[]> {
  if (opts.dir.length + opts.cluster.length === 0)
    throw new CausewayError(ErrorCode.InputInvalid, 'plan: no sites given', {
      hint: 'name each site with --dir <site-dir> or --cluster <kube-context>[=<site-dir>]',
    });
  const out: Collected[] = [];
  for (const dir of opts.dir) out.push({ networks: await fromConfig(dir), dir });
  for (const spec of opts.cluster) out.push(await fromCluster(spec, opts.kubeconfig));
  return out;
}

async function fromConfig(dir: string): Promise<SiteNetworks> {
  const config = await loadSiteConfig(sitePaths(dir).config);
  const n = config.network;
  return {
    site: config.site.id,
    pods: n.pods,
    services: n.services,
    nodes: n.nodes,
    routable: n.routable,
    domain: n.domain,
    ...(n.cloud === undefined ? {} : { cloud: n.cloud }),
    ...(n.cni === undefined ? {} : { cni: n.cni }),
    ...(n.compliance === undefined ? {} : { compliance: n.compliance }),
    source: 'config',
  };
}

async function fromCluster(spec: string, kubeconfig: string | undefined): Promise<Collected> {
  const [context = '', dir] = spec.split('=');
  if (context === '' || dir === '')
    throw new CausewayError(ErrorCode.InputInvalid, `--cluster: "${spec}" is not context[=dir]`, {
      hint: 'e.g. --cluster kind-east or --cluster kind-east=./east',
    });
  // Loaded here, not at the top: a plan of site directories only never evaluates the Kubernetes client.
  const kube = await import('../../kube/index.js');
  const rest = new kube.KubeRest(
    kube.loadKubeConfig({ ...(kubeconfig === undefined ? {} : { kubeconfig }), context }),
  );
  try {
    const read = await kube.readClusterNetworks(rest);
    const base = dir === undefined ? undefined : await fromConfig(dir);
    const networks: SiteNetworks = {
      ...(base ?? { site: context, routable: false, domain: 'default' }),
      pods: read.pods,
      services: read.services,
      nodes: read.nodes,
      source: 'cluster',
    };
    return { networks, ...(dir === undefined ? {} : { dir }), read };
  } finally {
    rest.close();
  }
}

/** Writes blocks read from clusters, and the new blocks given to the sites that had none. */
async function writePlan(sites: Collected[], needing: Collected[]): Promise<void> {
  for (const s of sites) {
    if (s.dir === undefined) continue;
    const given = needing.includes(s) && s.networks.pods.length > 0;
    if (s.read === undefined && !given) continue;
    await editSiteConfig(sitePaths(s.dir), (c) => {
      if (s.read !== undefined) {
        c.network.pods = s.read.pods;
        c.network.services = s.read.services;
        c.network.nodes = s.read.nodes;
      }
      if (given) c.network.pods = [...s.networks.pods];
    });
  }
}
