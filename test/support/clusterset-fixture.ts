import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRouterProcess, type RouterProcess } from '../../src/demo/index.js';
import type { StatusReport } from '../../src/api/index.js';
import { runCli, type CliResult } from './cli-runner.js';

/** A scratch directory of sites driven through the real CLI; `close` stops routers and deletes it. */
export class ClustersetFixture {
  readonly routers = new Map<string, RouterProcess>();

  private constructor(readonly root: string) {}

  static async create(): Promise<ClustersetFixture> {
    return new ClustersetFixture(await mkdtemp(join(tmpdir(), 'causeway-test-')));
  }

  dir(site: string): string {
    return join(this.root, site);
  }

  /** `causeway <args>`; throws with the CLI's stderr when it fails, unless `allowFailure`. */
  async cli(args: string[], allowFailure = false, input?: string): Promise<CliResult> {
    const result = await runCli(args, input === undefined ? {} : { input });
    if (!allowFailure && result.code !== 0)
      throw new Error(`causeway ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result;
  }

  /** `causeway expose` at `site`: `service` (`name.namespace`) on `port`, served by `to`. */
  async expose(
    site: string,
    service: string,
    port: number,
    to: string,
    extra: string[] = [],
  ): Promise<void> {
    const [name = '', namespace = ''] = service.split('.');
    await this.cli([
      'expose',
      name,
      ...['--namespace', namespace, '--port', String(port), '--to', to],
      ...extra,
      ...['--dir', this.dir(site)],
    ]);
  }

  /** `causeway import` at `site` of `service` (`name.namespace`), on a free loopback port. */
  async importService(site: string, service: string): Promise<void> {
    const [name = '', namespace = ''] = service.split('.');
    await this.cli([
      'import',
      name,
      ...['--namespace', namespace, '--listen', '127.0.0.1:0', '--dir', this.dir(site)],
    ]);
  }

  /** `site init` with a free link port on loopback. */
  async initSite(site: string, extra: string[] = []): Promise<void> {
    await this.cli([
      'site',
      'init',
      '--id',
      site,
      '--dir',
      this.dir(site),
      '--listen',
      '127.0.0.1:0',
      '--zone',
      `${site}-a`,
      '--region',
      site,
      ...extra,
    ]);
  }

  /**
   * Creates several sites of one clusterset: the first makes the CA, the others are signed with
   * it directly (`--ca-dir`), so any of them can link to any other without a CA round trip.
   */
  async initClusterset(sites: string[]): Promise<void> {
    const [first, ...rest] = sites;
    if (first === undefined) return;
    const created = await this.cli([
      'site',
      'init',
      '--id',
      first,
      '--dir',
      this.dir(first),
      '--listen',
      '127.0.0.1:0',
      '--zone',
      `${first}-a`,
      '--region',
      first,
      '--output',
      'json',
    ]);
    const { trustDomain } = JSON.parse(created.stdout) as { trustDomain: string };
    for (const site of rest)
      await this.initSite(site, ['--ca-dir', this.dir(first), '--trust-domain', trustDomain]);
  }

  async startRouter(site: string, extraArgs: string[] = []): Promise<RouterProcess> {
    const router = await startRouterProcess(this.dir(site), extraArgs);
    this.routers.set(site, router);
    return router;
  }

  async stopRouter(site: string): Promise<void> {
    await this.routers.get(site)?.stop();
    this.routers.delete(site);
  }

  /** Issues a token on `from` and redeems it on `to` (so `to` dials `from`). */
  async link(to: string, from: string, extra: string[] = []): Promise<void> {
    const token = await this.cli(['token', 'issue', '--dir', this.dir(from)]);
    const file = join(this.root, `${from}-${Date.now()}.token`);
    await writeFile(file, token.stdout);
    await this.cli(['link', 'create', '--dir', this.dir(to), '--token', file, ...extra]);
  }

  async status(site: string): Promise<StatusReport> {
    const router = this.routers.get(site);
    if (router === undefined) throw new Error(`router ${site} is not running`);
    return router.api.status();
  }

  /** Polls `status` until `predicate` holds (or fails after `timeoutMs` with the last status). */
  async waitFor(
    site: string,
    predicate: (s: StatusReport) => boolean,
    timeoutMs = 20_000,
  ): Promise<StatusReport> {
    const deadline = Date.now() + timeoutMs;
    let last: StatusReport | undefined;
    while (Date.now() < deadline) {
      last = await this.status(site);
      if (predicate(last)) return last;
      await sleep(25);
    }
    throw new Error(
      `condition not met on ${site} within ${timeoutMs} ms; last status: ${JSON.stringify(last, null, 1)}`,
    );
  }

  /** Listening address of the configured import of `service` on `site` (not its virtual IP). */
  async importAddress(site: string, service: string): Promise<{ host: string; port: number }> {
    const matches = (i: StatusReport['imports'][number]): boolean =>
      `${i.name}.${i.namespace}` === service && i.kind === 'configured';
    const status = await this.waitFor(site, (s) =>
      s.imports.some((i) => matches(i) && i.exporters.length > 0),
    );
    const listen = status.imports.find(matches)?.listen ?? '';
    const cut = listen.lastIndexOf(':');
    return { host: listen.slice(0, cut), port: Number(listen.slice(cut + 1)) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.routers.values()].map((r) => r.stop()));
    this.routers.clear();
    await rm(this.root, { recursive: true, force: true });
  }
}
