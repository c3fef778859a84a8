import {
  execFile,
  execFileSync,
  spawn,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Options for `NetLab.create`. */
export interface NetLabOptions {
  /** Starts every namespace name, so a leak is easy to spot (`ip netns list | grep cwt`). */
  readonly prefix: string;
}

/** Addresses of one site; the WAN address sits on the site's end of its veth into the WAN bridge. */
export interface SiteOptions {
  /** CIDR on the WAN, inside 192.0.2.0/24 (TEST-NET-1), e.g. `192.0.2.11/24`. */
  readonly wanAddress: string;
  /** Optional "pod" CIDR inside the site, e.g. `10.244.0.1/16`; sites may overlap here. */
  readonly podCidrAddress?: string;
}

/** One site the lab built. */
export interface LabSite {
  readonly name: string;
  readonly namespace: string;
  /** WAN address without its prefix length, ready to dial. */
  readonly wanIp: string;
  /** The veth end on the WAN bridge; `cut` sets it down. */
  readonly bridgePort: string;
}

/** Output of a command run to completion inside a namespace. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for `exec`: a timeout (default 10 s) and extra environment. */
export interface ExecOptions {
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

const WAN = 'wan';
const BRIDGE = 'br0';
const SITE_WAN_IFACE = 'wan0';
const POD_IFACE = 'pod0';
const COMMAND_TIMEOUT_MS = 10_000;
const live = new Set<NetLab>();
let exitHooksInstalled = false;

/**
 * Network namespaces for integration tests: one "wan" namespace holding a bridge, and one
 * namespace per site with a veth into that bridge. Sites share 192.0.2.0/24 and may reuse the
 * same pod addresses, as real clusters do. Needs root.
 */
export class NetLab {
  readonly wanNamespace: string;
  readonly #prefix: string;
  readonly #sites = new Map<string, LabSite>();
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();
  #destroyed = false;

  private constructor(prefix: string) {
    this.#prefix = prefix;
    this.wanNamespace = `${prefix}-${WAN}-${randomId()}`;
  }

  /** True when we are root and can create and delete a network namespace. */
  static async available(): Promise<boolean> {
    if (process.getuid?.() !== 0) return false;
    const probe = `netlab-probe-${randomId()}`;
    try {
      await run('ip', ['netns', 'add', probe], { timeout: COMMAND_TIMEOUT_MS });
      await run('ip', ['netns', 'del', probe], { timeout: COMMAND_TIMEOUT_MS });
      return true;
    } catch {
      return false;
    }
  }

  /** Creates the WAN namespace and its bridge. Call `destroy()` when done. */
  static async create(options: NetLabOptions): Promise<NetLab> {
    const lab = new NetLab(options.prefix);
    installExitHooks();
    live.add(lab);
    try {
      await lab.#addNamespace(lab.wanNamespace);
      await lab.#ip(lab.wanNamespace, ['link', 'add', BRIDGE, 'type', 'bridge']);
      await lab.#ip(lab.wanNamespace, ['link', 'set', BRIDGE, 'up']);
      return lab;
    } catch (err) {
      await lab.destroy();
      throw err;
    }
  }

  /** The sites built so far. */
  get sites(): readonly LabSite[] {
    return [...this.#sites.values()];
  }

  /** Every namespace this lab created, the WAN's first. */
  get namespaces(): readonly string[] {
    return [...this.#namespaces];
  }

  /** Builds a site namespace, plugs it into the WAN bridge and assigns its addresses. */
  async addSite(name: string, options: SiteOptions): Promise<LabSite> {
    if (this.#sites.has(name) || name === WAN) throw new Error(`site ${name} already exists`);
    const namespace = `${this.#prefix}-${name}-${randomId()}`;
    const bridgePort = `v${this.#sites.size}-${randomId()}`.slice(0, 15);
    await this.#addNamespace(namespace);
    await this.#ip(namespace, ['link', 'set', 'lo', 'up']);
    await this.#ip(this.wanNamespace, [
      'link',
      'add',
      bridgePort,
      'type',
      'veth',
      'peer',
      'name',
      SITE_WAN_IFACE,
      'netns',
      namespace,
    ]);
    await this.#ip(this.wanNamespace, ['link', 'set', bridgePort, 'master', BRIDGE, 'up']);
    await this.#ip(namespace, ['addr', 'add', options.wanAddress, 'dev', SITE_WAN_IFACE]);
    await this.#ip(namespace, ['link', 'set', SITE_WAN_IFACE, 'up']);
    if (options.podCidrAddress !== undefined)
      await this.#addPodAddress(namespace, options.podCidrAddress);
    const site: LabSite = {
      name,
      namespace,
      wanIp: stripPrefixLength(options.wanAddress),
      bridgePort,
    };
    this.#sites.set(name, site);
    return site;
  }

  /** Runs `argv` inside the site's namespace to completion; never rejects on a non-zero exit. */
  async exec(
    site: string,
    argv: readonly string[],
    options: ExecOptions = {},
  ): Promise<ExecResult> {
    const child = this.spawn(site, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? COMMAND_TIMEOUT_MS);
    const code = await new Promise<number>((resolve) => {
      child.once('error', (err) => {
        stderr += err.message;
        resolve(127);
      });
      child.once('close', (status, signal) => resolve(status ?? (signal === null ? 1 : 128)));
    });
    clearTimeout(timer);
    return { code, stdout, stderr };
  }

  /**
   * Starts `argv` inside the site's namespace (or the WAN's, as `'wan'`). `ip netns exec` execs
   * the command, so the child's pid is the command's own; `destroy` kills it.
   */
  spawn(site: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const namespace = this.#namespaceOf(site);
    const child = spawn('ip', ['netns', 'exec', namespace, ...argv], options);
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Partitions a site: its port on the WAN bridge goes down, so packets vanish (no RST, no ICMP). */
  async cut(site: string): Promise<void> {
    await this.#ip(this.wanNamespace, ['link', 'set', this.#site(site).bridgePort, 'down']);
  }

  /** Ends a partition made by `cut`. */
  async heal(site: string): Promise<void> {
    await this.#ip(this.wanNamespace, ['link', 'set', this.#site(site).bridgePort, 'up']);
  }

  /** Kills every process started in the lab's namespaces and deletes the namespaces (and so their links). */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    for (const child of this.#children) child.kill('SIGKILL');
    for (const namespace of [...this.#namespaces].reverse()) {
      await killNamespacePids(namespace);
      await run('ip', ['netns', 'del', namespace], { timeout: COMMAND_TIMEOUT_MS }).catch(
        () => undefined,
      );
    }
    this.#namespaces.length = 0;
  }

  /** Synchronous `destroy` for exit hooks, where nothing asynchronous runs any more. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    for (const child of this.#children) child.kill('SIGKILL');
    for (const namespace of [...this.#namespaces].reverse()) {
      for (const pid of namespacePidsSync(namespace)) killQuietly(pid);
      try {
        execFileSync('ip', ['netns', 'del', namespace], {
          stdio: 'ignore',
          timeout: COMMAND_TIMEOUT_MS,
        });
      } catch {
        // best effort on the way out; the prefix makes any leftover easy to find
      }
    }
  }

  async #addNamespace(namespace: string): Promise<void> {
    await run('ip', ['netns', 'add', namespace], { timeout: COMMAND_TIMEOUT_MS });
    this.#namespaces.push(namespace);
  }

  // A dummy interface keeps pod addresses off lo, like a CNI bridge would; kernels without the
  // dummy module (some containers) get the address on lo instead, which routes the same.
  async #addPodAddress(namespace: string, cidr: string): Promise<void> {
    try {
      await this.#ip(namespace, ['link', 'add', POD_IFACE, 'type', 'dummy']);
      await this.#ip(namespace, ['link', 'set', POD_IFACE, 'up']);
      await this.#ip(namespace, ['addr', 'add', cidr, 'dev', POD_IFACE]);
    } catch {
      await this.#ip(namespace, ['addr', 'add', cidr, 'dev', 'lo']);
    }
  }

  async #ip(namespace: string, args: readonly string[]): Promise<void> {
    await run('ip', ['-n', namespace, ...args], { timeout: COMMAND_TIMEOUT_MS });
  }

  #site(name: string): LabSite {
    const site = this.#sites.get(name);
    if (site === undefined) throw new Error(`no site ${name} in this lab`);
    return site;
  }

  #namespaceOf(site: string): string {
    if (this.#destroyed) throw new Error('lab already destroyed');
    return site === WAN ? this.wanNamespace : this.#site(site).namespace;
  }
}

function randomId(): string {
  return randomBytes(3).toString('hex');
}

function stripPrefixLength(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

// Processes still inside a namespace (grandchildren of what we spawned) would keep it busy.
async function killNamespacePids(namespace: string): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'pids', namespace], {
    timeout: COMMAND_TIMEOUT_MS,
  }).catch(() => ({ stdout: '' }));
  for (const pid of parsePids(stdout)) killQuietly(pid);
}

function namespacePidsSync(namespace: string): number[] {
  try {
    return parsePids(
      execFileSync('ip', ['netns', 'pids', namespace], {
        encoding: 'utf8',
        timeout: COMMAND_TIMEOUT_MS,
      }),
    );
  } catch {
    return [];
  }
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((line) => Number.parseInt(line, 10))
    .filter((pid) => Number.isInteger(pid) && pid > 1);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// An interrupted test run must not leave namespaces behind. 'exit' covers normal and
// process.exit() endings; the signals need their own handlers because by default they skip 'exit'.
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const destroyAll = (): void => {
    for (const lab of [...live]) lab.destroySync();
  };
  process.once('exit', destroyAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      destroyAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
