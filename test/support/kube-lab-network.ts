import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A network namespace standing in for the clusters' node network. The API server refuses
 * loopback addresses in EndpointSlices, so routers, their virtual IPs and backends live here,
 * on addresses of a /16 that is local inside the namespace (any address in it can be bound), and
 * this host reaches them over a veth. Needs root; `destroy` removes everything.
 */
export class KubeLabNetwork {
  /** Every address of this range is local inside the namespace. */
  static readonly range = '10.77.0.0/16';
  private constructor(
    readonly namespace: string,
    private readonly hostVeth: string,
  ) {}

  static async create(): Promise<KubeLabNetwork> {
    const id = randomBytes(3).toString('hex');
    const lab = new KubeLabNetwork(`cwk-${id}`, `cwk${id}h`);
    try {
      await run('ip', ['netns', 'add', lab.namespace]);
      await lab.inside(['ip', 'link', 'set', 'lo', 'up']);
      await run('ip', ['link', 'add', lab.hostVeth, 'type', 'veth', 'peer', 'name', 'lab0', 'netns', lab.namespace]);
      await run('ip', ['addr', 'add', '10.78.0.1/30', 'dev', lab.hostVeth]);
      await run('ip', ['link', 'set', lab.hostVeth, 'up']);
      await lab.inside(['ip', 'addr', 'add', '10.78.0.2/30', 'dev', 'lab0']);
      await lab.inside(['ip', 'link', 'set', 'lab0', 'up']);
      await lab.inside(['ip', 'route', 'add', 'local', KubeLabNetwork.range, 'dev', 'lo']);
      await run('ip', ['route', 'replace', KubeLabNetwork.range, 'via', '10.78.0.2']);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
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

  async destroy(): Promise<void> {
    await run('ip', ['route', 'del', KubeLabNetwork.range]).catch(() => undefined);
    await run('ip', ['link', 'del', this.hostVeth]).catch(() => undefined);
    await run('ip', ['netns', 'del', this.namespace]).catch(() => undefined);
  }
}
