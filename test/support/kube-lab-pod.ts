import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { KubeRest } from '../../src/kube/index.js';
import type { KubeCluster } from './kube-cluster.js';
import type { KubeLabNetwork } from './kube-lab-network.js';
import { corednsBinary } from './install-tools.js';
import { kubeProxyBinary } from './kube-tools.js';

const run = promisify(execFile);

const live = new Set<KubeLabPod>();
process.on('exit', () => {
  for (const pod of live) pod.destroySync();
});

/**
 * A network namespace standing in for a pod: one veth into the lab's node network, a default
 * route through it, and nothing else. It reaches a router only at an address the node network
 * routes (never a router's host-local virtual IPs), and a real kube-proxy inside it programs
 * Service ClusterIPs from EndpointSlices with nftables, as on a node.
 */
export class KubeLabPod {
  private proxy: ChildProcess | undefined;
  private coredns: ChildProcess | undefined;
  private bridge: Server | undefined;
  private bridgeInside: ChildProcess | undefined;

  private constructor(
    readonly namespace: string,
    private readonly labVeth: string,
    /** This pod's own address. */
    readonly address: string,
  ) {}

  /** `index` (0-63) picks the pod's /30 out of the lab's link range. */
  static async create(lab: KubeLabNetwork, index = 1): Promise<KubeLabPod> {
    const id = randomBytes(3).toString('hex');
    const [first = '10', second = '0'] = lab.prefix.split('.');
    const net = `${first}.${Number(second) + 1}.${4 * index}`;
    const pod = new KubeLabPod(`cwp-${id}`, `cwp${id}`, `${net}.2`);
    try {
      await run('ip', ['netns', 'add', pod.namespace]);
      await pod.inside(['ip', 'link', 'set', 'lo', 'up']);
      await run('ip', [
        'link',
        'add',
        'eth0',
        'netns',
        pod.namespace,
        'type',
        'veth',
        'peer',
        'name',
        pod.labVeth,
        'netns',
        lab.namespace,
      ]);
      await run('ip', [
        'netns',
        'exec',
        lab.namespace,
        'ip',
        'addr',
        'add',
        `${net}.1/30`,
        'dev',
        pod.labVeth,
      ]);
      await run('ip', ['netns', 'exec', lab.namespace, 'ip', 'link', 'set', pod.labVeth, 'up']);
      await pod.inside(['ip', 'addr', 'add', `${pod.address}/30`, 'dev', 'eth0']);
      await pod.inside(['ip', 'link', 'set', 'eth0', 'up']);
      await pod.inside(['ip', 'route', 'add', 'default', 'via', `${net}.1`]);
    } catch (err) {
      pod.destroySync();
      throw err;
    }
    live.add(pod);
    return pod;
  }

  exec(command: string, args: string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.namespace, command, ...args] };
  }

  /** Runs a command inside the pod and returns its stdout. */
  async output(command: string, args: string[]): Promise<string> {
    const { command: ip, args: all } = this.exec(command, args);
    return (await run(ip, all, { timeout: 20_000 })).stdout;
  }

  /** Opens a TCP connection from inside the pod and returns all it reads (what a client in the pod gets). */
  read(host: string, port: number): Promise<string> {
    return this.request(host, port);
  }

  /**
   * A client inside the pod: resolves `target` through `options.resolver` (`host:port` of a DNS
   * server) when given, connects to `port`, sends `options.send`, and returns all it reads. A name
   * that does not resolve gives ''; a connection that fails or stalls rejects.
   */
  async request(
    target: string,
    port: number,
    options: { resolver?: string; send?: string } = {},
  ): Promise<string> {
    const connect =
      `(h)=>{const c=require('node:net').connect(${port},h);let d='';c.setTimeout(5000,()=>{c.destroy();process.exit(3)});` +
      `c.on('data',(b)=>d+=b);c.on('end',()=>process.stdout.write(d));c.on('error',(e)=>{console.error(e.message);process.exit(2)});c.end(${JSON.stringify(options.send ?? '')})}`;
    const script =
      options.resolver === undefined
        ? `(${connect})(${JSON.stringify(target)});`
        : `const r=new (require('node:dns').promises.Resolver)({timeout:2000,tries:2});r.setServers([${JSON.stringify(options.resolver)}]);` +
          `r.resolve4(${JSON.stringify(target)}).then((a)=>(${connect})(a[0]),()=>{});`;
    return this.output(process.execPath, ['-e', script]);
  }

  /**
   * Starts the real kube-proxy (nftables mode) against `cluster` inside the pod's namespace and
   * waits until it has programmed its nftables table. Its log goes to `logPath`.
   */
  async startKubeProxy(cluster: KubeCluster, rest: KubeRest, logPath: string): Promise<void> {
    await this.registerNode(rest);
    await this.bridgeApiServer(cluster.server, `${logPath}.api.sock`);
    const out = openSync(logPath, 'a');
    const { command, args } = this.exec(kubeProxyBinary(), [
      `--kubeconfig=${cluster.kubeconfigPath}`,
      '--proxy-mode=nftables',
      `--hostname-override=${this.namespace}`,
      // A network namespace may not raise the host's conntrack table size: leave it as it is.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      '--healthz-bind-address=127.0.0.1:10256',
      '--metrics-bind-address=127.0.0.1:10249',
      '--v=2',
    ]);
    this.proxy = spawn(command, args, { stdio: ['ignore', out, out] });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.proxy.exitCode !== null) break;
      const ruleset = await this.output('nft', ['list', 'tables']).catch(() => '');
      if (ruleset.includes('kube-proxy')) return;
      await sleep(100);
    }
    const log = (await readFile(logPath, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => !line.includes('FLAG:'));
    throw new Error(`kube-proxy did not program nftables; log:\n${log.join('\n').slice(-4000)}`);
  }

  /**
   * Starts a real CoreDNS inside the pod on 127.0.0.1:53 with `corefile`, as the pod's cluster
   * DNS, and waits until it answers `probeName`. Start kube-proxy first: CoreDNS reaches the API
   * server through the same bridge.
   */
  async startCoreDns(
    corefile: string,
    confPath: string,
    logPath: string,
    probeName: string,
  ): Promise<void> {
    await writeFile(confPath, corefile);
    const out = openSync(logPath, 'a');
    const { command, args } = this.exec(corednsBinary(), ['-conf', confPath]);
    this.coredns = spawn(command, args, { stdio: ['ignore', out, out] });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && this.coredns.exitCode === null) {
      if ((await this.dig(probeName, 'A').catch(() => [])).length > 0) return;
      await sleep(200);
    }
    throw new Error(
      `CoreDNS did not answer ${probeName}; log:\n${(await readFile(logPath, 'utf8').catch(() => '')).slice(-3000)}`,
    );
  }

  /** `dig +short` inside the pod against its CoreDNS: the answer lines. */
  async dig(name: string, type: string): Promise<string[]> {
    const text = await this.output('dig', [
      '@127.0.0.1',
      '-p',
      '53',
      name,
      type,
      '+short',
      '+time=2',
      '+tries=2',
    ]);
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }

  /** The pod's node, as a kubelet registers it: kube-proxy learns its node IP from it. */
  private async registerNode(rest: KubeRest): Promise<void> {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.namespace, labels: { 'kubernetes.io/hostname': this.namespace } },
      status: { addresses: [{ type: 'InternalIP', address: this.address }] },
    };
    await rest.create('/api/v1/nodes', node);
  }

  /**
   * Makes the API server, which listens on the host's loopback, reachable at the same address
   * from inside the pod (so the kubeconfig and its certificate stay as they are): a listener in
   * the pod forwards to a Unix socket, which the host side forwards on to the API server. A Unix
   * socket lives in the file system, not in a network namespace, so it crosses between them.
   */
  private async bridgeApiServer(server: string, socketPath: string): Promise<void> {
    const { hostname, port } = new URL(server);
    await rm(socketPath, { force: true });
    this.bridge = createServer((inbound) => {
      const outbound = connect(Number(port), hostname);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => this.bridge?.listen(socketPath, resolve));
    const script = `const n=require('node:net');n.createServer((c)=>{const u=n.connect(${JSON.stringify(socketPath)});c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(${Number(port)},${JSON.stringify(hostname)},()=>console.log('ready'));`;
    const { command, args } = this.exec(process.execPath, ['-e', script]);
    this.bridgeInside = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(this.bridgeInside.stdout!, 'data');
  }

  private async inside(argv: string[]): Promise<void> {
    const [command = '', ...args] = argv;
    const { command: ip, args: all } = this.exec(command, args);
    await run(ip, all);
  }

  destroySync(): void {
    live.delete(this);
    for (const child of [this.proxy, this.coredns, this.bridgeInside])
      if (child?.exitCode === null) child.kill('SIGKILL');
    this.bridge?.close();
    try {
      // Deleting the namespace removes its end of the veth and so the lab's end too.
      execFileSync('ip', ['netns', 'del', this.namespace], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
