import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startLabBackend, startLabRouter } from './lab-processes.js';
import { NetLab } from './net-lab.js';

/**
 * Sites in network namespaces (`net`) with their directories (`fx`), and the processes a test
 * starts in them; `close` stops those processes and removes both, whether the test passed or not.
 */
export class SiteLab {
  readonly #children: ChildProcess[] = [];

  private constructor(
    readonly net: NetLab,
    readonly fx: ClustersetFixture,
  ) {}

  /** A new lab; `prefix` names its namespaces (kept short: interface names are derived from it). */
  static async create(prefix: string): Promise<SiteLab> {
    const net = await NetLab.create({ prefix });
    try {
      return new SiteLab(net, await ClustersetFixture.create());
    } catch (err) {
      await net.destroy();
      throw err;
    }
  }

  /** Stops `children` at `close`. */
  track(...children: ChildProcess[]): void {
    this.#children.push(...children);
  }

  /** An inline Node backend in `site`'s namespace (see `startLabBackend`), stopped at `close`. */
  async startBackend(site: string, script: string, host: string, port: number): Promise<void> {
    this.track(await startLabBackend(this.net, site, script, host, port));
  }

  /** `causeway site run` for `site`'s directory in its namespace, stopped at `close`. */
  async startRouter(site: string, extraArgs: readonly string[] = []): Promise<void> {
    this.track(await startLabRouter(this.net, site, this.fx.dir(site), extraArgs));
  }

  /** Links `from` to `to` with a token `to` issued; `link create` dials, so it runs in `from`'s namespace. */
  async link(from: string, to: string): Promise<void> {
    const token = join(this.fx.root, `${to}-for-${from}.token`);
    await writeFile(
      token,
      (await this.fx.cli(['token', 'issue', '--dir', this.fx.dir(to)])).stdout,
    );
    const linked = await this.net.exec(
      from,
      [process.execPath, CLI_ENTRY, 'link', 'create', '--dir', this.fx.dir(from), '--token', token],
      { timeoutMs: 30_000 },
    );
    if (linked.code !== 0) throw new Error(`link ${from} → ${to}: ${linked.stderr}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map((c) => stopChild(c)));
    await this.net.destroy();
    await this.fx.close();
  }
}
