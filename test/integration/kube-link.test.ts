import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import {
  CLI_ENTRY,
  startRouterProcess,
  stopChild,
  type RouterProcess,
} from '../../src/demo/index.js';
import type { StatusReport } from '../../src/api/index.js';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { KubeReader } from '../support/kube-reader.js';

const NS = 'causeway-system';

/** One out-of-cluster site: its router and its controller, each a real `causeway` process. */
interface RunningSite {
  router: RouterProcess;
  controller: ChildProcess;
  dir: string;
}

async function waitForStatus(
  site: RunningSite,
  predicate: (s: StatusReport) => boolean,
  timeoutMs = 20_000,
): Promise<StatusReport> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusReport | undefined;
  while (Date.now() < deadline) {
    last = await site.router.api.status();
    if (predicate(last)) return last;
    await sleep(50);
  }
  throw new Error(`status of ${site.dir} never matched; last: ${JSON.stringify(last?.links)}`);
}

describe('causeway kube link: token exchange through two real API servers', () => {
  let east: KubeCluster;
  let west: KubeCluster;
  let north: KubeCluster;
  let scratch: string;
  let kubeconfig: string;
  const sites = new Map<string, RunningSite>();

  const kube = (args: string[]): Promise<CliResult> =>
    runCli(['kube', ...args, '--kubeconfig', kubeconfig], { timeoutMs: 90_000 });

  /** `kube install --site-dir`, then the router and the controller as the install output says. */
  async function startSite(
    context: string,
    site: string,
    extra: string[] = [],
  ): Promise<RunningSite> {
    const dir = join(scratch, site);
    const installed = await kube([
      'install',
      '--context',
      context,
      '--site',
      site,
      '--zone',
      `${site}-a`,
      '--region',
      site,
      '--site-dir',
      dir,
      '--listen',
      '127.0.0.1:0',
      ...extra,
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(
      installed.stdout,
      new RegExp(
        `next: causeway site run --dir ${dir} & causeway kube controller --dir ${dir} --context ${context}`,
      ),
    );
    const router = await startRouterProcess(dir);
    const log = openSync(join(dir, 'controller.log'), 'a');
    const controller = spawn(
      process.execPath,
      [
        CLI_ENTRY,
        'kube',
        'controller',
        '--dir',
        dir,
        '--kubeconfig',
        kubeconfig,
        '--context',
        context,
        '--lease-duration',
        '2',
      ],
      { stdio: ['ignore', log, log] },
    );
    const running = { router, controller, dir };
    sites.set(site, running);
    return running;
  }

  before(async () => {
    [east, west, north] = await Promise.all([
      startKubeCluster({ name: 'east' }),
      startKubeCluster({ name: 'west' }),
      startKubeCluster({ name: 'north' }),
    ]);
    scratch = await mkdtemp(join(tmpdir(), 'causeway-kube-link-'));
    kubeconfig = await writeKubeconfig(join(scratch, 'kubeconfig'), [east, west, north]);
  });
  after(async () => {
    for (const site of sites.values())
      await Promise.all([stopChild(site.controller), site.router.stop()]);
    await Promise.all([east?.stop(), west?.stop(), north?.stop()]);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('links west to east with no file copied: Linked, exit 0, the routers see the link, the request Secret is gone', async () => {
    const usEast = await startSite('east', 'us-east');
    const euWest = await startSite('west', 'eu-west');
    const result = await kube(['link', '--from', 'east', '--to', 'west', '--output', 'json']);
    const logs = async (): Promise<string> =>
      `${await readFile(join(usEast.dir, 'controller.log'), 'utf8')}\n${await readFile(join(euWest.dir, 'controller.log'), 'utf8')}`;
    assert.equal(result.code, 0, `${result.stderr}\n${await logs()}`);
    const report = JSON.parse(result.stdout) as {
      status: string;
      from: { site: string };
      to: { site: string };
      message: string;
    };
    assert.equal(report.status, 'Linked');
    assert.deepEqual([report.from.site, report.to.site], ['us-east', 'eu-west']);
    assert.match(report.message, /linked to site us-east/);

    await waitForStatus(euWest, (s) =>
      s.links.some((l) => l.peer === 'us-east' && l.state === 'up' && l.direction === 'outbound'),
    );
    await waitForStatus(usEast, (s) =>
      s.links.some((l) => l.peer === 'eu-west' && l.state === 'up'),
    );
    const eastApi = new KubeReader(kubeconfig, 'east');
    const westApi = new KubeReader(kubeconfig, 'west');
    assert.equal(
      await eastApi.get('v1', 'Secret', 'causeway-token-request-eu-west', NS),
      undefined,
      'request Secret left behind',
    );
    const linkSecret = await westApi.get<V1Secret>('v1', 'Secret', 'causeway-link-us-east', NS);
    assert.equal(linkSecret?.metadata?.annotations?.['causeway.io/link-status'], 'Linked');
    assert.equal(
      linkSecret?.data?.['token'],
      undefined,
      'the redeemed token must not stay in the cluster',
    );
  });

  it("reports a failed redemption with the controller's reason and exit 4", async () => {
    // north advertises a port nothing listens on, so west's controller cannot dial it.
    await startSite('north', 'ap-north', ['--advertise', '127.0.0.1:9']);
    const result = await kube(['link', '--from', 'north', '--to', 'west']);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /eu-west \(context west\) could not link to ap-north: /);
    const northApi = new KubeReader(kubeconfig, 'north');
    assert.equal(
      await northApi.get('v1', 'Secret', 'causeway-token-request-eu-west', NS),
      undefined,
      'request Secret left behind',
    );
  });
  it('a ServiceExport in east becomes a ServiceImport in west; uninstall of west removes the import', async () => {
    const euWest = sites.get('eu-west');
    assert.ok(euWest, 'the link test runs first');
    const eastApi = new KubeReader(kubeconfig, 'east');
    const westApi = new KubeReader(kubeconfig, 'west');
    await eastApi.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await westApi.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    // No kubelet runs here, so the Service has no endpoints: KEP-1645 still exports (and imports) it.
    await eastApi.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    await eastApi.create({
      apiVersion: 'multicluster.x-k8s.io/v1alpha1',
      kind: 'ServiceExport',
      metadata: { name: 'web', namespace: 'shop' },
    });

    await waitForStatus(
      euWest,
      (st) => st.services.some((x) => x.dnsName === 'web.shop.svc.clusterset.local'),
      30_000,
    );
    let imported: KubernetesObject | undefined;
    for (
      const deadline = Date.now() + 20_000;
      imported === undefined && Date.now() < deadline;
      await sleep(200)
    ) {
      imported = await westApi.get('multicluster.x-k8s.io/v1beta1', 'ServiceImport', 'web', 'shop');
    }
    assert.ok(
      imported,
      `no ServiceImport in west: ${await readFile(join(euWest.dir, 'controller.log'), 'utf8')}`,
    );

    await Promise.all([stopChild(euWest.controller), euWest.router.stop()]);
    sites.delete('eu-west');
    const removed = await kube(['uninstall', '--context', 'west', '--output', 'json']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.ok(
      (JSON.parse(removed.stdout) as { removed: string[] }).removed.includes(
        'ServiceImport shop/web',
      ),
      removed.stdout,
    );
    assert.equal(
      await westApi.get('multicluster.x-k8s.io/v1beta1', 'ServiceImport', 'web', 'shop'),
      undefined,
    );
  });
});
