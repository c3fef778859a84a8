import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';
import { KubeNode, LAB_SERVICE_CIDR } from './kube-node.js';
import { kubeControllerManagerBinary, kubectlBinary, kubeSchedulerBinary } from './kube-tools.js';
import { writeKubeconfig, type KubeAccess } from './kubeconfig.js';
import { ensureLabImages, type LabImage } from './lab-images.js';
import { corednsManifests } from './lab-coredns.js';
import { LabRegistry } from './lab-registry.js';
import { spawnServer, stopServer, type ServerProcess } from './server-process.js';

const run = promisify(execFile);

export interface NodeLabOptions {
  /** One cluster per name (DNS labels), each with one node; default east and west. */
  clusters?: readonly string[];
  /** Where a cluster's progress is told (a person starting the lab by hand); silent by default. */
  log?: (line: string) => void;
}

/** One cluster of the lab: control plane, controller manager, scheduler, one node, CoreDNS. */
export interface NodeLabCluster extends KubeAccess {
  readonly context: string;
  /** A kubeconfig with this cluster only (context `name`). */
  readonly kubeconfigPath: string;
  readonly node: KubeNode;
  readonly nodeName: string;
  /** The node's InternalIP on the WAN: NodePorts of this cluster are reached here from other clusters. */
  readonly nodeAddress: string;
  /** Scratch directory of the control plane (logs). */
  readonly dir: string;
  /** Runs kubectl against this cluster; `input` goes to its stdin (`apply -f -`). */
  kubectl(args: readonly string[], input?: string): Promise<string>;
}

/** Clusters whose nodes meet only in a WAN namespace; every cluster has the same pod and Service CIDRs. */
export interface NodeLab {
  readonly clusters: readonly NodeLabCluster[];
  /** One kubeconfig with a context per cluster. */
  readonly kubeconfigPath: string;
  readonly wanNamespace: string;
  readonly dir: string;
  cluster(name: string): NodeLabCluster;
  /** Ends every process the lab started, by pid, and removes all it made; safe to call twice. */
  stop(): Promise<void>;
}

// Names and the WAN /24 of this run: a run beside another never shares an interface or a route.
function wanPlan(routes: string): { id: string; subnet: string } {
  const id = randomBytes(3).toString('hex');
  const third =
    [...Array(200).keys()].map((n) => n + 20).find((n) => !routes.includes(`10.250.${n}.`)) ?? 250;
  return { id, subnet: `10.250.${third}` };
}

/**
 * Starts real clusters on this machine (root, Linux, cgroup v1 or v2): for each, etcd and
 * kube-apiserver (startKubeCluster), kube-controller-manager, kube-scheduler and one node
 * (containerd, kubelet, kube-proxy; see KubeNode), with the lab images imported and CoreDNS
 * running as the cluster DNS. Pod CIDR 10.244.0.0/16 and Service CIDR 10.96.0.0/16 in every
 * cluster; the nodes are joined only through a "WAN" namespace (10.250.x.0/24), which forwards
 * nothing further, so Pod traffic never leaves through the host's default route.
 */
export async function startNodeLab(options: NodeLabOptions = {}): Promise<NodeLab> {
  const names = options.clusters ?? ['east', 'west'];
  const log = options.log ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'causeway-nodelab-'));
  const plan = wanPlan((await run('ip', ['route'])).stdout);
  const wan = new WanNetwork(plan.id, plan.subnet);
  const clusters: LabClusterRuntime[] = [];
  let registry: LabRegistry | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    await registry?.close();
    wan.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The images build (or are found cached) while the network is made.
    const images = ensureLabImages();
    await wan.create();
    log(`WAN ${wan.namespace} ${plan.subnet}.0/24`);
    const imageList = await images;
    // On the host's end of the WAN: every node's containerd reaches it, nothing beyond the lab does.
    registry = await LabRegistry.start(imageList, `${plan.subnet}.1`);
    for (const [index, name] of names.entries()) {
      const cluster = await startLabCluster(name, index, wan, dir, imageList, registry.url, log);
      clusters.push(cluster);
    }
    const kubeconfigPath = await writeKubeconfig(
      join(dir, 'kubeconfig'),
      clusters.map((c) => c.access),
    );
    let stopped = false;
    return {
      clusters: clusters.map((c) => c.view),
      kubeconfigPath,
      wanNamespace: wan.namespace,
      dir,
      cluster: (name) => {
        const found = clusters.find((c) => c.view.name === name);
        if (found === undefined)
          throw new Error(`node lab: no cluster ${name} (clusters: ${names.join(', ')})`);
        return found.view;
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface LabClusterRuntime {
  access: KubeAccess;
  view: NodeLabCluster;
  stop(): Promise<void>;
}

async function startLabCluster(
  name: string,
  index: number,
  wan: WanNetwork,
  labDir: string,
  images: readonly LabImage[],
  registryMirror: string,
  log: (line: string) => void,
): Promise<LabClusterRuntime> {
  const started = Date.now();
  const nodeName = `${name}-node`;
  const netns = `cwn-${wan.id}-${index}`;
  const nodeAddress = `${wan.subnet}.${11 + index}`;
  const kubeletToken = randomBytes(24).toString('hex');
  const control = await startKubeCluster({
    name,
    serviceClusterIpRange: LAB_SERVICE_CIDR,
    extraTokens: [
      { token: kubeletToken, user: `system:node:${nodeName}`, groups: ['system:nodes'] },
    ],
    // A Pod dials the `kubernetes` Service's ClusterIP and verifies the certificate against it.
    extraServingIps: ['10.96.0.1', nodeAddress],
    extraApiserverArgs: [
      '--authorization-mode=Node,RBAC',
      // exec, logs and port-forward reach the kubelet at its InternalIP, not by its name.
      '--kubelet-preferred-address-types=InternalIP',
      // The controller manager creates ServiceAccounts here, so the plugin may check them.
      '--disable-admission-plugins=',
      '--allow-privileged=true',
    ],
  });
  const processes: ServerProcess[] = [];
  let node: KubeNode | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([node?.stop(), ...processes.map((server) => stopServer(server, 3_000))]);
    await control.stop();
  };
  try {
    const nodeDir = join(labDir, name);
    mkdirSync(nodeDir, { recursive: true });
    const kubeletKubeconfig = join(nodeDir, 'kubelet.kubeconfig');
    await writeKubeconfig(kubeletKubeconfig, [
      { name, server: control.server, caCertPem: control.caCertPem, token: kubeletToken },
    ]);
    await wan.addNode(netns, nodeAddress, index);
    node = new KubeNode({
      name: nodeName,
      dir: nodeDir,
      netns,
      address: nodeAddress,
      apiServer: control.server,
      kubeletKubeconfig,
      proxyKubeconfig: control.kubeconfigPath,
      upstreamResolver: wan.gateway,
      registryMirror,
    });
    await node.start();
    processes.push(...startControllers(control));
    await node.importImages(images);
    node.startKubelet();
    const view = clusterView(control, node, nodeName, nodeAddress);
    await waitFor(
      `node ${nodeName} Ready`,
      120_000,
      async () =>
        (await view.kubectl([
          'get',
          'node',
          nodeName,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ])) === 'True',
      () => node?.logPath('kubelet'),
    );
    await view.kubectl(['apply', '-f', '-'], kubernetesSlice(nodeAddress));
    await waitFor(
      'the default ServiceAccount',
      60_000,
      async () =>
        (await view.kubectl(['get', 'serviceaccount', 'default', '-o', 'name'])).trim() !== '',
    );
    const coredns = images.find((image) => image.ref.startsWith('registry.k8s.io/coredns/'));
    if (coredns === undefined) throw new Error('node lab: no CoreDNS image among the lab images');
    await view.kubectl(['apply', '-f', '-'], corednsManifests(coredns.ref));
    await view
      .kubectl(['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=120s'])
      .catch(async (err: Error) => {
        const pods = await view.kubectl(['-n', 'kube-system', 'describe', 'pods']).catch(() => '');
        const logs = await view
          .kubectl(['-n', 'kube-system', 'logs', 'deployment/coredns', '--previous'])
          .catch((e: Error) => e.message);
        throw new Error(`${err.message}\n${pods.slice(-2500)}\nlogs:\n${logs.slice(-1500)}`);
      });
    log(
      `cluster ${name}: node ${nodeName} at ${nodeAddress} Ready, CoreDNS running (${Math.round((Date.now() - started) / 1000)} s)`,
    );
    return { access: control, view, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function startControllers(control: KubeCluster): ServerProcess[] {
  const controllerManager = spawnServer(
    kubeControllerManagerBinary(),
    [
      `--kubeconfig=${control.kubeconfigPath}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${join(control.dir, 'service-account.key')}`,
      `--root-ca-file=${join(control.dir, 'ca.crt')}`,
      '--use-service-account-credentials=false',
      `--service-cluster-ip-range=${LAB_SERVICE_CIDR}`,
      '--v=1',
    ],
    join(control.dir, 'kube-controller-manager.log'),
  );
  const scheduler = spawnServer(
    kubeSchedulerBinary(),
    [`--kubeconfig=${control.kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--v=1'],
    join(control.dir, 'kube-scheduler.log'),
  );
  return [controllerManager, scheduler];
}

function clusterView(
  control: KubeCluster,
  node: KubeNode,
  nodeName: string,
  nodeAddress: string,
): NodeLabCluster {
  return {
    name: control.name,
    server: control.server,
    caCertPem: control.caCertPem,
    token: control.token,
    context: control.context,
    kubeconfigPath: control.kubeconfigPath,
    node,
    nodeName,
    nodeAddress,
    dir: control.dir,
    kubectl: (args, input) => kubectl(control.kubeconfigPath, args, input),
  };
}

/** kubectl with this kubeconfig; rejects with its stderr. */
export function kubectl(
  kubeconfigPath: string,
  args: readonly string[],
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlBinary(), [`--kubeconfig=${kubeconfigPath}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`kubectl ${args.join(' ')}: exit ${code}: ${err.trim()}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/**
 * The `kubernetes` Service's endpoint, written once: the API server's own reconciler is off
 * (it would name the host's loopback), and the node's relay on <node>:6443 leads to the API server.
 */
function kubernetesSlice(nodeAddress: string): string {
  return stringify({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes-lab',
      namespace: 'default',
      labels: {
        'kubernetes.io/service-name': 'kubernetes',
        'endpointslice.kubernetes.io/managed-by': 'causeway-node-lab',
      },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [nodeAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });
}

async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  logPath?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  const path = logPath?.();
  const tail =
    path === undefined
      ? ''
      : `\nlog ${path}:\n${(await run('tail', ['-n', '40', path]).catch(() => ({ stdout: '' }))).stdout}`;
  throw new Error(`node lab: ${what} not within ${timeoutMs} ms (${last})${tail}`);
}

// A crash of the test process must not leave namespaces or the host's veth behind.
const liveWans = new Set<WanNetwork>();
process.on('exit', () => {
  for (const wan of liveWans) wan.destroy();
});

/**
 * The WAN: a namespace with a bridge every node's veth joins, and one veth to the host so the API
 * servers (on the host) reach the kubelets. It forwards nothing (ip_forward stays 0 in it), so
 * the only way between clusters is node to node.
 */
class WanNetwork {
  readonly namespace: string;
  private readonly hostVeth: string;
  private readonly nodes: string[] = [];

  constructor(
    readonly id: string,
    /** First three octets of the WAN /24. */
    readonly subnet: string,
  ) {
    this.namespace = `cwl-${id}`;
    this.hostVeth = `cwl${id}h`;
    liveWans.add(this);
  }

  /** Nodes' default gateway and their Pods' resolver: an address in the WAN where nothing listens. */
  get gateway(): string {
    return `${this.subnet}.254`;
  }

  async create(): Promise<void> {
    await run('ip', ['netns', 'add', this.namespace]);
    await this.inside(['ip', 'link', 'set', 'lo', 'up']);
    await this.inside(['ip', 'link', 'add', 'wan0', 'type', 'bridge']);
    await this.inside(['ip', 'addr', 'add', `${this.gateway}/24`, 'dev', 'wan0']);
    await this.inside(['ip', 'link', 'set', 'wan0', 'up']);
    await run('ip', [
      'link',
      'add',
      this.hostVeth,
      'type',
      'veth',
      'peer',
      'name',
      'host0',
      'netns',
      this.namespace,
    ]);
    await this.inside(['ip', 'link', 'set', 'host0', 'master', 'wan0', 'up']);
    await run('ip', ['addr', 'add', `${this.subnet}.1/24`, 'dev', this.hostVeth]);
    await run('ip', ['link', 'set', this.hostVeth, 'up']);
  }

  async addNode(netns: string, address: string, index: number): Promise<void> {
    const wanSide = `n${index}`;
    await run('ip', ['netns', 'add', netns]);
    this.nodes.push(netns);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await run('ip', [
      'link',
      'add',
      'eth0',
      'netns',
      netns,
      'type',
      'veth',
      'peer',
      'name',
      wanSide,
      'netns',
      this.namespace,
    ]);
    await this.inside(['ip', 'link', 'set', wanSide, 'master', 'wan0', 'up']);
    await run('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', netns, 'route', 'add', 'default', 'via', this.gateway]);
  }

  private async inside(argv: string[]): Promise<void> {
    await run('ip', ['-n', this.namespace, ...argv.slice(1)]);
  }

  destroy(): void {
    liveWans.delete(this);
    for (const argv of [
      ...this.nodes.map((ns) => ['netns', 'del', ns]),
      ['link', 'del', this.hostVeth],
      ['netns', 'del', this.namespace],
    ]) {
      try {
        execFileSync('ip', argv, { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  }
}
