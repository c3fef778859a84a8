import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  VersionApi,
  type V1Service,
} from '@kubernetes/client-node';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { pinnedKubernetesVersion } from '../support/kube-tools.js';
import { writeKubeconfig } from '../support/kubeconfig.js';

/** Parses an IPv4 address to a number, to test range membership. */
function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  assert.equal(parts.length, 4, `${address} is not IPv4`);
  return parts.reduce((value, part) => value * 256 + part, 0);
}

function inRange(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipv4(base);
  return ipv4(address) >= start && ipv4(address) < start + size;
}

const webService: V1Service = {
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
};

describe('throwaway Kubernetes clusters (real etcd + kube-apiserver)', () => {
  const serviceRange = '10.96.0.0/16';
  let east: KubeCluster;
  let west: KubeCluster;
  let scratch: string;
  let kubeconfigPath: string;

  before(async () => {
    // Both at once: two API servers starting side by side is what multi-cluster tests do.
    [east, west] = await Promise.all([
      startKubeCluster({ name: 'east', serviceClusterIpRange: serviceRange }),
      startKubeCluster({ name: 'west', serviceClusterIpRange: serviceRange }),
    ]);
    scratch = await mkdtemp(join(tmpdir(), 'causeway-kubeconfig-'));
    kubeconfigPath = await writeKubeconfig(join(scratch, 'kubeconfig'), [east, west]);
  });

  after(async () => {
    await Promise.all([east?.stop(), west?.stop()]);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** A client for one context of the merged kubeconfig, as a CLI given `--context` builds it. */
  function clientFor<T>(context: string, api: new (...args: never[]) => T): T {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    config.setCurrentContext(context);
    return config.makeApiClient(api as never) as T;
  }

  /** default/kubernetes once the API server's bootstrap controller has made it (at most 30 s). */
  async function apiServerService(core: CoreV1Api): Promise<V1Service> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
      } catch (err) {
        if ((err as { code?: number }).code !== 404 || Date.now() > deadline) throw err;
      }
      await sleep(100);
    }
  }

  it('serves the pinned Kubernetes version', async () => {
    const version = await clientFor('east', VersionApi).getCode();
    assert.equal(version.gitVersion, pinnedKubernetesVersion());
  });

  it('gives Services ClusterIPs from the same, overlapping range in both clusters', async () => {
    const clusterIps: string[] = [];
    for (const context of ['east', 'west']) {
      const core = clientFor(context, CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'shop' } } });
      const created = await core.createNamespacedService({ namespace: 'shop', body: webService });
      const clusterIp = created.spec?.clusterIP ?? '';
      assert.ok(
        inRange(clusterIp, serviceRange),
        `${context}: ClusterIP ${clusterIp} outside ${serviceRange}`,
      );
      clusterIps.push(clusterIp);
      // The API server's own Service takes the first address of the range in each cluster; its
      // bootstrap controller creates it a moment after the server answers, so wait for it.
      const kubernetes = await apiServerService(core);
      assert.equal(kubernetes.spec?.clusterIP, '10.96.0.1');
    }
    assert.equal(clusterIps.length, 2);
  });

  it('keeps the clusters apart: each context sees only its own objects', async () => {
    await clientFor('east', CoreV1Api).createNamespace({
      body: { metadata: { name: 'only-east' } },
    });
    const westNamespaces = await clientFor('west', CoreV1Api).listNamespace();
    assert.ok(!westNamespaces.items.some((ns) => ns.metadata?.name === 'only-east'));
    const eastNamespaces = await clientFor('east', CoreV1Api).listNamespace();
    assert.ok(eastNamespaces.items.some((ns) => ns.metadata?.name === 'only-east'));
  });

  it("refuses a wrong token and a client that trusts the other cluster's CA", async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [
        {
          name: 'east',
          server: east.server,
          caData: Buffer.from(east.caCertPem).toString('base64'),
        },
      ],
      users: [{ name: 'intruder', token: 'not-the-token' }],
      contexts: [{ name: 'east', cluster: 'east', user: 'intruder' }],
      currentContext: 'east',
    });
    await assert.rejects(
      config.makeApiClient(CoreV1Api).listNamespace(),
      (err) => err instanceof ApiException && err.code === 401,
    );
    config.loadFromOptions({
      clusters: [
        {
          name: 'east',
          server: east.server,
          caData: Buffer.from(west.caCertPem).toString('base64'),
        },
      ],
      users: [{ name: 'admin', token: east.token }],
      contexts: [{ name: 'east', cluster: 'east', user: 'admin' }],
      currentContext: 'east',
    });
    await assert.rejects(
      config.makeApiClient(CoreV1Api).listNamespace(),
      /certificate|self[- ]signed|verify/i,
    );
  });

  it('keeps objects across an API server restart', async () => {
    const core = clientFor('west', CoreV1Api);
    const before = await core.readNamespacedService({ name: 'web', namespace: 'shop' });
    await west.restart();
    const after = await core.readNamespacedService({ name: 'web', namespace: 'shop' });
    assert.equal(after.metadata?.uid, before.metadata?.uid);
    assert.equal(after.spec?.clusterIP, before.spec?.clusterIP);
    // And it still writes: the next Service gets an address, not the one already taken.
    const next = await core.createNamespacedService({
      namespace: 'shop',
      body: { ...webService, metadata: { name: 'api' } },
    });
    assert.notEqual(next.spec?.clusterIP, before.spec?.clusterIP);
  });

  it('stop() ends both processes and removes the scratch directory', async () => {
    const extra = await startKubeCluster({ name: 'brief' });
    assert.ok(existsSync(extra.kubeconfigPath));
    await extra.stop();
    assert.ok(!existsSync(extra.dir));
    // Nothing listens on the API server's port any more: a connect is refused, not answered.
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect(Number(new URL(extra.server).port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    assert.equal(refused, 'ECONNREFUSED');
    await extra.stop();
  });
});
