import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../src/api/index.js';
import { ExportConfig, sitePaths } from '../../src/config/index.js';
import type { ServicesSnapshot } from '../../src/api/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startNameServer } from '../support/name-server.js';
import { readAll } from '../support/tcp-probes.js';

/** Collects snapshots from a router's watch stream and lets a test wait for one that matches. */
class SnapshotLog {
  readonly seen: ServicesSnapshot[] = [];
  private waiters: Array<() => void> = [];

  add(snapshot: ServicesSnapshot): void {
    this.seen.push(snapshot);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async waitFor(
    predicate: (s: ServicesSnapshot) => boolean,
    timeoutMs = 10_000,
  ): Promise<ServicesSnapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.seen.find(predicate);
      if (match !== undefined) return match;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching snapshot in ${timeoutMs} ms; last: ${JSON.stringify(this.seen.at(-1))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

describe('router API: /v1/services?watch=1 streams clusterset changes; a port may have several backends', () => {
  let fx: ClustersetFixture;
  const backends: Server[] = [];
  const abort = new AbortController();
  const log = new SnapshotLog();
  let watching: Promise<void>;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['east', 'west']);
    await fx.startRouter('east');
    await fx.startRouter('west');
    await fx.link('west', 'east');
    await fx.cli(['namespace', 'add', 'shop', '--dir', fx.dir('west')]);
    watching = new ApiClient(sitePaths(fx.dir('west'))).watchServices(
      (s) => log.add(s),
      abort.signal,
    );
  });

  after(async () => {
    abort.abort();
    await watching;
    await fx.close();
    for (const b of backends) b.close();
  });

  it('sends the current snapshot at once, then one per change, with the virtual IP already listening', async () => {
    const first = await log.waitFor(() => true);
    assert.equal(first.site, 'west');
    const names = ['one', 'two'];
    const entries: ExportConfig[] = [];
    for (const name of names) {
      const b = await startNameServer(name);
      backends.push(b.server);
      entries.push(
        ExportConfig.parse({
          name: 'web',
          namespace: 'shop',
          port: 80,
          to: `127.0.0.1:${b.port}`,
          zone: 'east-b',
        }),
      );
    }
    await editSiteConfig(sitePaths(fx.dir('east')), (config) => {
      config.exports.push(...entries);
    });
    const snapshot = await log.waitFor((s) =>
      s.services.some((x) => x.name === 'web' && x.vip !== null),
    );
    const web = snapshot.services.find((x) => x.name === 'web');
    assert.deepEqual(web?.sites, ['east']);
    assert.equal(web?.importedHere, true);
    // Both backends of the one port take flows in turn.
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add(await readAll({ host: web?.vip ?? '', port: 80 }));
    assert.deepEqual([...answers].sort(), names);
  });

  it('announces an unexport, and sends nothing when nothing changed', async () => {
    const before = log.seen.length;
    await fx.cli(['namespace', 'add', 'shop', '--dir', fx.dir('west')], true);
    await fx.cli(['unexpose', 'web', '--namespace', 'shop', '--dir', fx.dir('east')]);
    await log.waitFor(
      (s) => log.seen.indexOf(s) >= before && !s.services.some((x) => x.name === 'web'),
    );
    const lines = log.seen.slice(before).map((s) => JSON.stringify(s));
    assert.equal(new Set(lines).size, lines.length, 'consecutive snapshots differ');
  });
});
