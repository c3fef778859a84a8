import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { kubeletBinary, kubeProxyBinary } from './kube-tools.js';

const run = promisify(execFile);

/** The pod network of every lab cluster: the same in each, as islands that never route to each other. */
export const LAB_POD_CIDR = '10.244.0.0/16';
/** The one node's share of it. */
export const LAB_NODE_POD_SUBNET = '10.244.0.0/24';
export const LAB_SERVICE_CIDR = '10.96.0.0/16';
export const LAB_CLUSTER_DNS = '10.96.0.10';
export const LAB_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** What one node needs from its cluster and its network. */
export interface KubeNodeSpec {
  /** Node name, also the kubelet's identity `system:node:<name>`. */
  name: string;
  /** Scratch directory of this node (containerd, kubelet, CNI, logs); removed by stop(). */
  dir: string;
  /** The network namespace (`/run/netns/<netns>`) the node runs in, already wired. */
  netns: string;
  /** The node's address on the WAN, its InternalIP. */
  address: string;
  /** The API server on the host's loopback, e.g. https://127.0.0.1:6443. */
  apiServer: string;
  /** A kubeconfig for the kubelet (token of system:node:<name>) and one for kube-proxy. */
  kubeletKubeconfig: string;
  proxyKubeconfig: string;
  /** The address a Pod's resolv.conf `nameserver` points at for names outside the cluster. */
  upstreamResolver: string;
  /** The lab's registry (LabRegistry), containerd's mirror of docker.io and registry.k8s.io. */
  registryMirror?: string;
}

// Whatever a node started, by pid, so a crash of the test process does not leave them running.
const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

/**
 * One real Kubernetes node in its own network namespace: containerd (runc, CNI bridge +
 * host-local + loopback + portmap) with a config of its own, a kubelet, kube-proxy (nftables),
 * and socat relays that make the host's loopback API server reachable from inside at the same
 * URL (127.0.0.1:port, for the node's components) and on the node address (port 6443, where the
 * `kubernetes` Service points Pods). Settings that were needed on this machine's cgroup v1 kernel
 * are in test/tools/README.md.
 */
export class KubeNode {
  private readonly children: ChildProcess[] = [];
  readonly containerdSocket: string;
  readonly cgroupRoot: string;
  readonly cniNetwork: string;
  private stopped = false;

  constructor(readonly spec: KubeNodeSpec) {
    this.containerdSocket = join(spec.dir, 'containerd', 'containerd.sock');
    // Unique per run: the kubelet creates its Pods' cgroups under it in every controller.
    this.cgroupRoot = `/causeway-lab/${spec.netns}`;
    // Names the CNI result cache files (/var/lib/cni/results/<network>-<id>-<if>), shared by all runtimes.
    this.cniNetwork = `cw-${spec.netns}`;
  }

  /** Starts containerd, the relays, the kubelet and kube-proxy; resolves once containerd answers. */
  async start(): Promise<void> {
    const { dir } = this.spec;
    for (const sub of [
      'containerd',
      'cni/net.d',
      'cni/ipam',
      'kubelet',
      'pod-logs',
      'runc',
      'logs',
    ])
      mkdirSync(join(dir, sub), { recursive: true });
    await this.inside(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    // Replies between two Pods on the bridge must pass the Service NAT (a Pod reaching a Service whose
    // backend is on the same bridge); bridged IPv4 goes through the ip hooks only with this.
    await this.inside(['sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']).catch(
      () => undefined,
    );
    this.createCgroupRoot();
    this.writeCniConfig();
    writeFileSync(join(dir, 'containerd', 'config.toml'), this.containerdConfig());
    this.spawnInside('containerd', [
      'containerd',
      '--config',
      join(dir, 'containerd', 'config.toml'),
    ]);
    await this.waitFor('containerd', async () => (await this.ctr(['version'])).includes('Server'));
    await this.startApiRelays();
  }

  /** Imports OCI archives into containerd's `k8s.io` namespace, each under its final name. */
  async importImages(archives: readonly { path: string; ref: string }[]): Promise<void> {
    for (const { path, ref } of archives) {
      // --base-name: the archive's ref.name is the tag, so the image lands under exactly `ref`;
      // renaming afterwards confuses containerd 1.6's CRI image cache.
      await this.ctr(
        ['images', 'import', '--base-name', ref.slice(0, ref.lastIndexOf(':')), path],
        300_000,
      );
    }
  }

  /** Starts the kubelet and kube-proxy (containerd must be up and the images imported). */
  startKubelet(): void {
    const { dir } = this.spec;
    writeFileSync(join(dir, 'kubelet', 'config.yaml'), stringify(this.kubeletConfig()));
    writeFileSync(
      join(dir, 'kubelet', 'resolv.conf'),
      `nameserver ${this.spec.upstreamResolver}\n`,
    );
    this.spawnInside('kubelet', [
      kubeletBinary(),
      `--config=${join(dir, 'kubelet', 'config.yaml')}`,
      `--kubeconfig=${this.spec.kubeletKubeconfig}`,
      `--root-dir=${join(dir, 'kubelet', 'root')}`,
      `--cert-dir=${join(dir, 'kubelet', 'pki')}`,
      `--hostname-override=${this.spec.name}`,
      `--node-ip=${this.spec.address}`,
      '--v=1',
    ]);
    this.spawnInside('kube-proxy', [
      kubeProxyBinary(),
      `--kubeconfig=${this.spec.proxyKubeconfig}`,
      '--proxy-mode=nftables',
      `--hostname-override=${this.spec.name}`,
      `--cluster-cidr=${LAB_POD_CIDR}`,
      // A network namespace may not raise the host's conntrack table size: leave it as it is.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      '--healthz-bind-address=127.0.0.1:10256',
      '--metrics-bind-address=127.0.0.1:10249',
      '--v=1',
    ]);
  }

  /** Stops the kubelet only (a node restart as an operator does it); startKubelet() brings it back. */
  async stopKubelet(): Promise<void> {
    await this.stopChild('kubelet');
    await this.stopChild('kube-proxy');
  }

  /** `ctr` against this node's containerd, in its `k8s.io` namespace. */
  async ctr(args: string[], timeout = 30_000): Promise<string> {
    return (
      await run('ctr', ['--address', this.containerdSocket, '--namespace', 'k8s.io', ...args], {
        timeout,
        maxBuffer: 16 << 20,
      })
    ).stdout;
  }

  /** The node's log file of one component (containerd, kubelet, kube-proxy, relay-*). */
  logPath(component: string): string {
    return join(this.spec.dir, 'logs', `${component}.log`);
  }

  /**
   * Ends everything this node started and removes what it left in places shared with other runs:
   * its containers (their processes by the pids in its cgroups, their shims by their containerd
   * address), Pod network namespaces, mounts under its directory, CNI results, container log links,
   * cgroups. Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const sandboxes = await this.sandboxes().catch(() => ({ ids: [], netns: [] }));
    await Promise.all([this.stopChild('kubelet'), this.stopChild('kube-proxy')]);
    this.killContainers();
    await Promise.all([...this.children].map((child) => this.stopChild(this.nameOf(child))));
    await this.cleanShared(sandboxes);
  }

  // --- processes

  private readonly names = new Map<ChildProcess, string>();

  private nameOf(child: ChildProcess): string {
    return this.names.get(child) ?? '';
  }

  /**
   * `nsenter --net` rather than `ip netns exec`: the latter remounts /sys for the namespace and
   * hides the cgroup mounts the kubelet and runc need.
   */
  private spawnInside(component: string, argv: string[]): ChildProcess {
    const log = openSync(this.logPath(component), 'a');
    const child = spawn('nsenter', [`--net=/run/netns/${this.spec.netns}`, '--', ...argv], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.children.push(child);
    this.names.set(child, component);
    started.add(child);
    child.once('exit', () => started.delete(child));
    return child;
  }

  private async stopChild(component: string): Promise<void> {
    const child = this.children.find((c) => this.names.get(c) === component);
    if (child === undefined) return;
    this.children.splice(this.children.indexOf(child), 1);
    this.names.delete(child);
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The kubelet may ignore SIGTERM for more than 12 s: a short grace, then SIGKILL by pid.
    process.kill(child.pid, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(3_000, false, { ref: false })]);
    if (!done && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  }

  private async inside(argv: string[]): Promise<void> {
    await run('nsenter', [`--net=/run/netns/${this.spec.netns}`, '--', ...argv]);
  }

  private async waitFor(
    what: string,
    probe: () => Promise<boolean>,
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe().catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(
      `${what} on node ${this.spec.name} did not come up in ${timeoutMs} ms; log:\n${readFileSync(this.logPath(what), 'utf8').slice(-3000)}`,
    );
  }

  /**
   * The API server listens on the host's loopback only. A Unix socket lives in the file system,
   * not in a network namespace, so it crosses: socat on the host forwards it to the API server,
   * socat in the node listens on 127.0.0.1:<port> (same URL as outside) and on <node>:6443.
   */
  private async startApiRelays(): Promise<void> {
    const { hostname, port } = new URL(this.spec.apiServer);
    const socket = join(this.spec.dir, 'api.sock');
    const log = openSync(this.logPath('relay-host'), 'a');
    const host = spawn(
      'socat',
      [`UNIX-LISTEN:${socket},fork,unlink-early`, `TCP:${hostname}:${port}`],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.children.push(host);
    this.names.set(host, 'relay-host');
    started.add(host);
    await this.waitFor('relay-host', async () => existsSync(socket));
    this.spawnInside('relay-loopback', [
      'socat',
      `TCP-LISTEN:${port},bind=${hostname},fork,reuseaddr`,
      `UNIX-CONNECT:${socket}`,
    ]);
    this.spawnInside('relay-node', [
      'socat',
      `TCP-LISTEN:6443,bind=${this.spec.address},fork,reuseaddr`,
      `UNIX-CONNECT:${socket}`,
    ]);
    await this.waitFor('relay-loopback', () => this.connectsInside(Number(port)));
  }

  private async connectsInside(port: number): Promise<boolean> {
    const script = `require('node:net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`;
    await run(
      'nsenter',
      [`--net=/run/netns/${this.spec.netns}`, '--', process.execPath, '-e', script],
      { timeout: 5_000 },
    );
    return true;
  }

  // --- configuration

  private containerdConfig(): string {
    const dir = join(this.spec.dir, 'containerd');
    return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "${this.containerdSocket}"
[ttrpc]
  address = "${this.containerdSocket}.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${LAB_PAUSE_IMAGE}"
  # This sandbox may not lower OOM scores; without this every Pod fails in runc create.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${join(this.spec.dir, 'runc')}"
${this.mirrors()}  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${join(this.spec.dir, 'cni', 'net.d')}"
    max_conf_num = 1
`;
  }

  private mirrors(): string {
    const mirror = this.spec.registryMirror;
    if (mirror === undefined) return '';
    return ['docker.io', 'registry.k8s.io']
      .map(
        (registry) =>
          `  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."${registry}"]\n    endpoint = ["${mirror}"]\n`,
      )
      .join('');
  }

  private writeCniConfig(): void {
    const conf = {
      cniVersion: '1.0.0',
      name: this.cniNetwork,
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: LAB_NODE_POD_SUBNET }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: join(this.spec.dir, 'cni', 'ipam'),
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    };
    writeFileSync(
      join(this.spec.dir, 'cni', 'net.d', '10-lab.conflist'),
      JSON.stringify(conf, null, 2),
    );
  }

  /** Each setting here was a failure on this machine before it was set (test/tools/README.md). */
  private kubeletConfig(): Record<string, unknown> {
    const dir = this.spec.dir;
    return {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      cgroupRoot: this.cgroupRoot,
      failSwapOn: false,
      containerRuntimeEndpoint: `unix://${this.containerdSocket}`,
      address: this.spec.address,
      port: 10250,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: 10248,
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: 'AlwaysAllow' },
      clusterDomain: 'cluster.local',
      clusterDNS: [LAB_CLUSTER_DNS],
      resolvConf: join(dir, 'kubelet', 'resolv.conf'),
      podLogsDir: join(dir, 'pod-logs'),
      // The disk is shared with other work; a full-ish disk must not evict the lab's Pods.
      evictionHard: {
        'memory.available': '100Mi',
        'nodefs.available': '1%',
        'imagefs.available': '1%',
        'nodefs.inodesFree': '1%',
      },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      serializeImagePulls: false,
      registerNode: true,
      maxPods: 110,
      rotateCertificates: false,
      serverTLSBootstrap: false,
      // No systemd here and no static Pods.
      makeIPTablesUtilChains: false,
      localStorageCapacityIsolation: false,
    };
  }

  private cgroupControllers(): string[] {
    return readdirSync('/sys/fs/cgroup').filter((name) => {
      try {
        return statSync(join('/sys/fs/cgroup', name)).isDirectory();
      } catch {
        return false;
      }
    });
  }

  /** cgroup v1: the kubelet's cgroupRoot must exist in every controller; cpuset needs its cpus and mems. */
  private createCgroupRoot(): void {
    for (const controller of this.cgroupControllers()) {
      let path = join('/sys/fs/cgroup', controller);
      for (const part of this.cgroupRoot.split('/').filter((p) => p !== '')) {
        const parent = path;
        path = join(path, part);
        if (!existsSync(path)) mkdirSync(path);
        if (controller === 'cpuset') {
          for (const file of ['cpuset.cpus', 'cpuset.mems']) {
            const current = readFileSync(join(path, file), 'utf8').trim();
            if (current === '')
              writeFileSync(join(path, file), readFileSync(join(parent, file), 'utf8'));
          }
        }
      }
    }
  }

  // --- teardown

  /** This node's containers and the network namespaces containerd made for its Pod sandboxes (in the shared /run/netns). */
  private async sandboxes(): Promise<{ ids: string[]; netns: string[] }> {
    const ids = (await this.ctr(['containers', 'list', '--quiet'], 10_000))
      .split('\n')
      .filter((id) => id !== '');
    const paths = new Set<string>();
    for (const id of ids) {
      const info = await this.ctr(['containers', 'info', id], 10_000).catch(() => '');
      for (const match of info.matchAll(/"path":\s*"(\/(?:var\/)?run\/netns\/cni-[0-9a-f-]+)"/g))
        if (match[1] !== undefined) paths.add(match[1]);
    }
    return { ids, netns: [...paths] };
  }

  /** SIGKILL by pid: every process in this node's cgroups (its containers) and its containerd shims. */
  private killContainers(): void {
    const pids = new Set<number>();
    for (const controller of ['pids', 'memory', 'freezer']) {
      for (const file of walk(
        join('/sys/fs/cgroup', controller, this.cgroupRoot),
        'cgroup.procs',
      )) {
        for (const line of readFileSync(file, 'utf8').split('\n'))
          if (line.trim() !== '') pids.add(Number(line));
      }
    }
    // A shim is started by containerd and outlives it; its command line names this node's socket.
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8');
        if (
          cmdline.startsWith('/usr/bin/containerd-shim') &&
          cmdline.includes(this.containerdSocket)
        )
          pids.add(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
  }

  private async cleanShared(sandboxes: {
    ids: readonly string[];
    netns: readonly string[];
  }): Promise<void> {
    const dir = this.spec.dir;
    // /var/run is a link to /run: a mount shows under the latter.
    const podNetns = sandboxes.netns.flatMap((path) => [
      path,
      path.replace(/^\/var\/run\//, '/run/'),
    ]);
    // Mounts under the node's directory (overlay root file systems, Secret and projected volumes,
    // shm), deepest first; then the Pods' network namespace files.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter((point) => point.startsWith(`${dir}/`) || podNetns.includes(point))
      .sort((a, b) => b.length - a.length);
    for (const point of mounts)
      quietly(() => execFileSync('umount', ['-l', point], { stdio: 'ignore' }));
    for (const path of podNetns) quietly(() => rmSync(path, { force: true }));
    // <network>-<container>-<interface>: the bridge network is named after this node; containerd's own
    // loopback network is named cni-loopback in every runtime, so those go by this node's container ids.
    for (const entry of safeList('/var/lib/cni/results')) {
      if (
        entry.startsWith(`${this.cniNetwork}-`) ||
        sandboxes.ids.some((id) => entry === `cni-loopback-${id}-lo`)
      )
        quietly(() => rmSync(join('/var/lib/cni/results', entry)));
    }
    for (const entry of safeList('/var/log/containers')) {
      const link = join('/var/log/containers', entry);
      quietly(() => {
        if (readlinkSync(link).startsWith(`${dir}/`)) rmSync(link);
      });
    }
    await this.removeStaleShimSockets();
    // Cgroups: leaves first; empty once the processes in them have gone.
    for (const controller of this.cgroupControllers()) {
      const root = join('/sys/fs/cgroup', controller, this.cgroupRoot);
      for (const cgroup of walkDirs(root).sort((a, b) => b.length - a.length))
        quietly(() => rmdirSync(cgroup));
      quietly(() => rmdirSync(join('/sys/fs/cgroup', controller, 'causeway-lab')));
    }
  }

  /** Shim sockets in /run/containerd/s that no process listens on any more (ours, now that the shims are gone). */
  private async removeStaleShimSockets(): Promise<void> {
    const checks = safeList('/run/containerd/s').map(
      (entry) =>
        new Promise<void>((resolve) => {
          const path = join('/run/containerd/s', entry);
          const socket = connect(path);
          socket.on('connect', () => {
            socket.destroy();
            resolve();
          });
          socket.on('error', (err: NodeJS.ErrnoException) => {
            if (err.code === 'ECONNREFUSED') quietly(() => rmSync(path));
            resolve();
          });
        }),
    );
    await Promise.all(checks);
  }
}

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // already gone, or busy: best effort at teardown
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walkDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  const out = [root];
  for (const entry of readdirSync(root, { withFileTypes: true }))
    if (entry.isDirectory()) out.push(...walkDirs(join(root, entry.name)));
  return out;
}

function walk(root: string, fileName: string): string[] {
  return walkDirs(root)
    .map((dir) => join(dir, fileName))
    .filter((file) => existsSync(file));
}
