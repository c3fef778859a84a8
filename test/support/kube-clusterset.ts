import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths, type SiteConfig } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild, type RouterProcess } from '../../src/demo/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import {
  KubeRest,
  Resources,
  collectionPath,
  loadKubeConfig,
  objectPath,
  serviceExports,
  type EndpointSlice,
  type KubeObject,
  type Service,
  type ServiceExport,
} from '../../src/kube/index.js';
import { ClustersetFixture } from './clusterset-fixture.js';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';
import { KubeLabNetwork } from './kube-lab-network.js';
import { freePort } from './tcp-probes.js';

export const CONTROLLER_NAMESPACE = 'causeway-system';

// Controllers and routers still running when the test process exits are killed by pid.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
});

/**
 * Kubernetes clusters, each with a Causeway site (router process, real CLI) and a controller
 * process (`causeway kube controller`) beside it: what a user runs, on loopback.
 */
export class KubeClusterset {
  readonly clusters = new Map<string, KubeCluster>();
  readonly controllers = new Map<string, ChildProcess>();
  private readonly clients = new Map<string, KubeRest>();

  private constructor(
    readonly fx: ClustersetFixture,
    readonly lab: KubeLabNetwork,
  ) {}

  /** Starts clusters and sites for `names` (one clusterset; `linked` sites are linked to the first). */
  static async create(
    names: string[],
    linked: string[] = names,
    pools: (prefix: string, i: number) => string = (prefix, i) => `${prefix}.${64 + i}.0/24`,
    /** Further site.yaml settings of site `i`, given the lab's address prefix. */
    configure: (config: SiteConfig, prefix: string, i: number) => void = () => undefined,
  ): Promise<KubeClusterset> {
    const set = new KubeClusterset(await ClustersetFixture.create(), await KubeLabNetwork.create());
    try {
      const clusters = await Promise.all(names.map((name) => startKubeCluster({ name })));
      clusters.forEach((c, i) => set.clusters.set(names[i] ?? '', c));
      await set.fx.initClusterset(names);
      for (const [i, name] of names.entries()) {
        // A fixed link port, so a restarted router is where its peers' link configs say it is.
        const linkPort = await freePort();
        // Node-network addresses: links and virtual IPs in the lab's range (the API refuses loopback endpoints).
        await editSiteConfig(sitePaths(set.fx.dir(name)), (config) => {
          config.link.listen = `${set.lab.prefix}.0.${i + 1}:${linkPort}`;
          config.services.addressPool = pools(set.lab.prefix, i);
          configure(config, set.lab.prefix, i);
        });
        await set.startRouter(name);
      }
      const [hub, ...rest] = linked;
      for (const name of rest) if (hub !== undefined) await set.fx.link(name, hub);
      for (const name of names)
        await set.create(name, collectionPath(Resources.namespaces), {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: CONTROLLER_NAMESPACE },
        });
    } catch (err) {
      await set.close();
      throw err;
    }
    return set;
  }

  /** `causeway site run` for `name`, inside the lab namespace. */
  async startRouter(name: string): Promise<RouterProcess> {
    const dir = this.fx.dir(name);
    const paths = sitePaths(dir);
    const log = openSync(join(dir, 'router.log'), 'a');
    const { command, args } = this.lab.exec(process.execPath, [
      CLI_ENTRY,
      'site',
      'run',
      '--dir',
      dir,
    ]);
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    children.add(child);
    const api = new ApiClient(paths);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const runtime = await api.runtime();
      if (runtime !== undefined && runtime.pid === child.pid) {
        const router: RouterProcess = { dir, child, runtime, api, stop: () => stopChild(child) };
        this.fx.routers.set(name, router);
        return router;
      }
      await sleep(25);
    }
    child.kill('SIGKILL');
    throw new Error(
      `router ${name} did not start: ${(await readFile(join(dir, 'router.log'), 'utf8').catch(() => '')).slice(-2000)}`,
    );
  }

  async stopRouter(name: string): Promise<void> {
    await this.fx.stopRouter(name);
  }

  rest(name: string): KubeRest {
    let client = this.clients.get(name);
    if (client === undefined) {
      const cluster = this.must(name);
      client = new KubeRest(
        loadKubeConfig({ kubeconfig: cluster.kubeconfigPath, context: cluster.context }),
      );
      this.clients.set(name, client);
    }
    return client;
  }

  /** `causeway kube controller` for cluster `name`, its log in <site dir>/controller.log; resolves once it runs. */
  async startController(name: string, extra: string[] = []): Promise<ChildProcess> {
    const cluster = this.must(name);
    const logPath = join(this.fx.dir(name), 'controller.log');
    // Replicas share the log file: look only at what this one writes.
    const offset = (await readFile(logPath, 'utf8').catch(() => '')).length;
    const log = openSync(logPath, 'a');
    const child = spawn(
      process.execPath,
      [
        CLI_ENTRY,
        'kube',
        'controller',
        '--dir',
        this.fx.dir(name),
        '--kubeconfig',
        cluster.kubeconfigPath,
        '--context',
        cluster.context,
        '--namespace',
        CONTROLLER_NAMESPACE,
        '--lease-duration',
        '3',
        ...extra,
      ],
      { stdio: ['ignore', log, log] },
    );
    this.controllers.set(`${name}#${child.pid ?? 0}`, child);
    children.add(child);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const text = (await readFile(logPath, 'utf8').catch(() => '')).slice(offset);
      if (text.includes('became leader') || text.includes('kube controller started')) return child;
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(
      `controller of ${name} did not start; log:\n${(await readFile(logPath, 'utf8').catch(() => '')).slice(-3000)}`,
    );
  }

  async stopController(child: ChildProcess): Promise<void> {
    await stopChild(child);
    for (const [key, c] of this.controllers) if (c === child) this.controllers.delete(key);
  }

  async controllerLog(name: string): Promise<string> {
    return readFile(join(this.fx.dir(name), 'controller.log'), 'utf8').catch(() => '');
  }

  create<T extends KubeObject>(name: string, collection: string, body: T): Promise<T> {
    return this.rest(name).create(collection, body);
  }

  async namespace(name: string, namespace: string): Promise<void> {
    await this.create(name, collectionPath(Resources.namespaces), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
  }

  /** A Service with TCP ports (port → targetPort), and annotations. */
  async service(
    name: string,
    namespace: string,
    svc: string,
    ports: Array<{ name?: string; port: number }>,
    spec: Partial<NonNullable<Service['spec']>> = {},
    annotations: Record<string, string> = {},
  ): Promise<Service> {
    return this.create<Service>(name, collectionPath(Resources.services, namespace), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc, namespace, annotations },
      spec: {
        ports: ports.map((p) => ({ ...p, protocol: 'TCP' as const, targetPort: p.port })),
        ...spec,
      },
    });
  }

  /** An EndpointSlice as the EndpointSlice controller would write it, for endpoints on loopback. */
  async endpointSlice(
    name: string,
    namespace: string,
    svc: string,
    port: { name?: string; port: number },
    endpoints: Array<{ address: string; ready?: boolean; zone?: string; hostname?: string }>,
  ): Promise<EndpointSlice> {
    return this.create<EndpointSlice>(name, collectionPath(Resources.endpointSlices, namespace), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${svc}-${Math.random().toString(36).slice(2, 7)}`,
        namespace,
        labels: {
          'kubernetes.io/service-name': svc,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
      },
      addressType: 'IPv4',
      endpoints: endpoints.map((e) => ({
        addresses: [e.address],
        conditions: { ready: e.ready ?? true },
        ...(e.zone === undefined ? {} : { zone: e.zone }),
        ...(e.hostname === undefined ? {} : { hostname: e.hostname }),
      })),
      ports: [
        {
          ...(port.name === undefined ? {} : { name: port.name }),
          port: port.port,
          protocol: 'TCP',
        },
      ],
    });
  }

  async serviceExport(name: string, namespace: string, svc: string): Promise<ServiceExport> {
    return this.create<ServiceExport>(name, collectionPath(serviceExports('v1beta1'), namespace), {
      apiVersion: 'multicluster.x-k8s.io/v1beta1',
      kind: 'ServiceExport',
      metadata: { name: svc, namespace },
    });
  }

  async removeServiceExport(name: string, namespace: string, svc: string): Promise<void> {
    await this.rest(name).remove(objectPath(serviceExports('v1beta1'), svc, namespace));
  }

  /** Polls `probe` until it returns a value (test-side waiting; bounded by `timeoutMs`). */
  async waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (err) {
        lastError = err;
      }
      await sleep(25);
    }
    throw new Error(
      `${what}: not within ${timeoutMs} ms${lastError === undefined ? '' : ` (last error: ${(lastError as Error).message})`}`,
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.controllers.values()].map((c) => stopChild(c)));
    this.controllers.clear();
    for (const client of this.clients.values()) client.close();
    await this.fx.close();
    await Promise.all([...this.clusters.values()].map((c) => c.stop()));
    await this.lab.destroy();
  }

  private must(name: string): KubeCluster {
    const cluster = this.clusters.get(name);
    if (cluster === undefined) throw new Error(`no cluster ${name}`);
    return cluster;
  }
}
