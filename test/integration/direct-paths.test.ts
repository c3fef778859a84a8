import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiClient, type ServicesSnapshot, type ServiceView } from '../../src/api/index.js';
import { ExportConfig, NetworkConfig, sitePaths } from '../../src/config/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startNameServer } from '../support/name-server.js';
import { dig } from '../support/dig.js';
import { readAll } from '../support/tcp-probes.js';

// A mixed clusterset on loopback: east declares its pod network (127.0.0.0/8 here) routable in
// the domain west routes in, south does not. West's view of the service lists east's backend by
// its own address (what the controller writes into EndpointSlices) and never south's; when east's
// Pod stops answering west's probe, the direct entry goes and the router path carries new flows.

/** Waits on a router's services watch for a snapshot that matches; bounded. */
function watchUntil(
  api: ApiClient,
  predicate: (web: ServiceView | undefined) => boolean,
  timeoutMs = 15_000,
): Promise<{ web: ServiceView | undefined; at: number }> {
  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      abort.abort();
      reject(new Error(`no matching services snapshot within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (s: ServicesSnapshot): void => {
      const web = s.services.find((x) => x.name === 'web' && x.namespace === 'shop');
      if (!predicate(web)) return;
      clearTimeout(bound);
      abort.abort();
      resolve({ web, at: Date.now() });
    };
    api.watchServices(check, abort.signal).catch(reject);
  });
}

describe('direct paths between routed sites, the router for the rest', () => {
  let fx: ClustersetFixture;
  let eastPod: { server: Server; port: number };
  let southPod: { server: Server; port: number };
  let eastDb: { server: Server; port: number };
  let west: ApiClient;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['east', 'west', 'south']);
    eastPod = await startNameServer('east');
    southPod = await startNameServer('south');
    eastDb = await startNameServer('east-db');
    const network = (pods: string[], routable: boolean): NetworkConfig =>
      NetworkConfig.parse({ pods, routable, domain: 'loopback' });
    const exportOf = (port: number): ExportConfig =>
      ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: `127.0.0.1:${port}` });
    await editSiteConfig(sitePaths(fx.dir('east')), (c) => {
      c.network = network(['127.0.0.0/8'], true);
      c.exports.push(exportOf(eastPod.port));
      c.exports.push(
        ExportConfig.parse({
          name: 'db',
          namespace: 'shop',
          port: 5432,
          to: `127.0.0.1:${eastDb.port}`,
          headless: true,
          hostname: 'db-0',
        }),
      );
    });
    await editSiteConfig(sitePaths(fx.dir('south')), (c) => {
      c.network = network(['127.0.0.0/8'], false);
      c.exports.push(exportOf(southPod.port));
    });
    await editSiteConfig(sitePaths(fx.dir('west')), (c) => {
      c.network = network(['10.250.0.0/16'], true);
      c.namespaces.push('shop');
    });
    for (const site of ['east', 'west', 'south']) await fx.startRouter(site);
    await fx.link('west', 'east');
    await fx.link('west', 'south');
    west = new ApiClient(sitePaths(fx.dir('west')));
  });

  after(async () => {
    await fx?.close();
    eastPod?.server.close();
    southPod?.server.close();
    eastDb?.server.close();
  });

  it("lists the routed site's Pod by its own address and keeps the other on the router", async () => {
    const { web } = await watchUntil(
      west,
      (w) => (w?.direct?.length ?? 0) > 0 && (w?.sites.length ?? 0) === 2,
    );
    assert.deepEqual(web?.direct, [
      {
        site: 'east',
        address: '127.0.0.1',
        zone: 'east-a',
        ready: true,
        serving: true,
        ports: [{ port: 80, targetPort: eastPod.port }],
      },
    ]);
    assert.deepEqual(web?.sites, ['east', 'south']);
    const routes = Object.fromEntries((await west.status()).routes.map((r) => [r.site, r]));
    assert.equal(routes['east']?.path, 'direct');
    assert.equal(routes['south']?.path, 'router');
    assert.equal(routes['south']?.pathReason, 'the site does not declare its pods routable');
    const text = await fx.cli(['status', '--dir', fx.dir('west')]);
    assert.match(
      text.stdout,
      /east\s+yes\s+east\s+1\s+1\s+direct \(routed, and a remote Pod answered the probe\)/,
    );
  });

  it("DNS answers a directly reached headless endpoint with its Pod's own address", async () => {
    const abort = new AbortController();
    await new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error('db not direct within 15 s')), 15_000);
      west
        .watchServices((s) => {
          const db = s.services.find((x) => x.name === 'db');
          if ((db?.direct ?? []).some((d) => d.hostname === 'db-0')) {
            clearTimeout(bound);
            abort.abort();
            resolve();
          }
        }, abort.signal)
        .catch(reject);
    });
    const dns = (await west.status()).dnsAddress ?? '';
    const one = await dig(dns, 'db-0.east.db.shop.svc.clusterset.local');
    assert.equal(one.status, 'NOERROR');
    assert.match(one.answers.join('\n'), /\sA\s+127\.0\.0\.1$/m);
    const all = await dig(dns, 'db.shop.svc.clusterset.local');
    assert.match(all.answers.join('\n'), /\sA\s+127\.0\.0\.1$/m);
  });

  it('falls back to the router within 1 s of the Pod going quiet, and new flows keep working', async () => {
    const stoppedAt = Date.now();
    eastPod.server.close();
    const { at } = await watchUntil(west, (w) => w !== undefined && (w.direct ?? []).length === 0);
    const fallbackMs = at - stoppedAt;
    process.stdout.write(`# direct path fallback: ${fallbackMs} ms after the Pod stopped\n`);
    assert.ok(fallbackMs <= 1_000, `fell back after ${fallbackMs} ms`);
    const east = (await west.status()).routes.find((r) => r.site === 'east');
    assert.equal(east?.pathReason, 'the probe of a remote Pod failed');
    const snapshot = await west.services();
    const vip = snapshot.services.find((s) => s.name === 'web')?.vip ?? '';
    let failed = 0;
    for (let i = 0; i < 10; i++) {
      try {
        assert.equal((await readAll({ host: vip, port: 80 })).trim(), 'south');
      } catch {
        failed++;
      }
    }
    assert.equal(failed, 0, 'new flows after the fallback go through the router to south');
  });
});
