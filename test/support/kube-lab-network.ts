import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Namespaces still present when the test process exits (a crash, an early process.exit) are
// removed synchronously, so no route or veth outlives the run.
const live = new Set<KubeLabNetwork>();
process.on('exit', () => {
  for (const lab of live) lab.destroySync();
});

/**
 * A network namespace standing in for the clusters' node network. The API server refuses
 * loopback addresses in EndpointSlices, so routers, their virtual IPs and backends live here,
 * on addresses of a /16 that is local inside the namespace (any address in it can be bound), and
 * this host reaches them over a veth. Needs root; `destroy` removes everything.
 */
export class KubeLabNetwork {
  private constructor(
    readonly namespace: string,
    private readonly hostVeth: string,
    /** First two octets of the /16 that is local inside the namespace, e.g. `10.77`. */
    readonly prefix: string,
    private readonly linkNet: string,
  ) {}

  /** Every address of this range is local inside the namespace. */
  get range(): string {
    return `${this.prefix}.0.0/16`;
  }

  static async create(): Promise<KubeLabNetwork> {
    const id = randomBytes(3).toString('hex');
    // A /16 no other lab on this host routes yet, so labs of concurrent runs never capture each other's traffic.
    const routes = (await run('ip', ['route'])).stdout;
    const second =
      [77, 79, 81, 83, 85, 87, 89, 91].find((n) => !routes.includes(`10.${n}.0.0/16`)) ?? 93;
    const lab = new KubeLabNetwork(`cwk-${id}`, `cwk${id}h`, `10.${second}`, `10.${second + 1}.0`);
    try {
      await run('ip', ['netns', 'add', lab.namespace]);
      await lab.inside(['ip', 'link', 'set', 'lo', 'up']);
      await run('ip', [
        'link',
        'add',
        lab.hostVeth,
        'type',
        'veth',
        'peer',
        'name',
        'lab0',
        'netns',
        lab.namespace,
      ]);
      await run('ip', ['addr', 'add', `${lab.linkNet}.1/30`, 'dev', lab.hostVeth]);
      await run('ip', ['link', 'set', lab.hostVeth, 'up']);
      await lab.inside(['ip', 'addr', 'add', `${lab.linkNet}.2/30`, 'dev', 'lab0']);
      await lab.inside(['ip', 'link', 'set', 'lab0', 'up']);
      await lab.inside(['ip', 'route', 'add', 'local', lab.range, 'dev', 'lo']);
      await run('ip', ['route', 'add', lab.range, 'via', `${lab.linkNet}.2`]);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    live.add(lab);
    return lab;
  }

  /** `ip netns exec <ns> …` prefix for a command that must run inside. */
  exec(command: string, args: string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.namespace, command, ...args] };
  }

  private async inside(argv: string[]): Promise<void> {
    const [command = '', ...args] = argv;
    const { command: ip, args: all } = this.exec(command, args);
    await run(ip, all);
  }

  destroySync(): void {
    for (const argv of [
      ['route', 'del', this.range, 'via', `${this.linkNet}.2`],
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

  async destroy(): Promise<void> {
    live.delete(this);
    await run('ip', ['route', 'del', this.range, 'via', `${this.linkNet}.2`]).catch(
      () => undefined,
    );
    await run('ip', ['link', 'del', this.hostVeth]).catch(() => undefined);
    await run('ip', ['netns', 'del', this.namespace]).catch(() => undefined);
  }
}
