import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Service, V1ServiceSpec } from '@kubernetes/client-node';
import {
  conditionOf,
  consistently,
  eventually,
  type McsCluster,
  type McsObject,
} from './mcs-clusters.js';
import type { McsPods } from './mcs-pods.js';

export const helloName = 'hello';

/**
 * The exported Service every case starts from: two ports of one number (TCP and UDP), client-IP
 * session affinity with a timeout, and the defaults a user leaves alone. No Pods back it: the
 * checks are about the API objects the controller writes.
 */
export function helloService(spec: Partial<V1ServiceSpec> = {}): V1Service {
  return {
    metadata: {
      name: helloName,
      labels: { 'service-label': 'not-exported' },
      annotations: { 'service-annotation': 'not-exported' },
    },
    spec: {
      selector: { app: helloName },
      ports: [
        { name: 'tcp', port: 42, protocol: 'TCP' },
        { name: 'udp', port: 42, protocol: 'UDP' },
      ],
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
      ...spec,
    },
  };
}

/** One case's namespace, present in every cluster (namespace sameness), and the steps cases share. */
export class McsCaseDriver {
  readonly namespace = `mcs-conformance-${randomBytes(4).toString('hex')}`;

  constructor(
    readonly clusters: readonly McsCluster[],
    /** Running Pods, where the run has them (cases marked `pods` are skipped otherwise). */
    private readonly pods?: McsPods,
  ) {}

  /** The clusterset name of the Service every case exports. */
  get clustersetName(): string {
    return `${helloName}.${this.namespace}.svc.clusterset.local`;
  }

  /** Backend Pods of `service` in cluster `index`, listed in its EndpointSlice; their addresses. */
  deployBackends(index: number, service: V1Service = helloService(), count = 2): Promise<string[]> {
    return this.#pods().deployBackends(index, this.namespace, service, count);
  }

  /** `echo hi | nc <clusterset name> <port>` from a client Pod of cluster `index`: what came back ('' for nothing). */
  request(index: number, port = 42): Promise<string> {
    return this.#pods().request(index, this.clustersetName, port);
  }

  /** A DNS query from a client Pod of cluster `index`, through the cluster DNS. */
  lookup(index: number, name: string, type: 'A' | 'SRV'): Promise<string[]> {
    return this.#pods().lookup(index, name, type);
  }

  #pods(): McsPods {
    if (this.pods === undefined) throw new Error('this case needs running Pods');
    return this.pods;
  }

  cluster(index: number): McsCluster {
    const cluster = this.clusters[index];
    if (cluster === undefined) throw new Error(`this case needs cluster #${index + 1}`);
    return cluster;
  }

  async setUp(): Promise<void> {
    for (const cluster of this.clusters)
      await cluster.core.createNamespace({ body: { metadata: { name: this.namespace } } });
  }

  /** Unexports, then deletes the namespace (a real cluster removes what is left). */
  async tearDown(): Promise<void> {
    await this.pods?.removeBackends(this.namespace);
    for (const cluster of this.clusters) {
      await cluster.deleteExport(this.namespace, helloName).catch(() => undefined);
      await cluster.core.deleteNamespace({ name: this.namespace }).catch(() => undefined);
    }
  }

  async deploy(index: number, service: V1Service = helloService()): Promise<void> {
    await this.cluster(index).createService(this.namespace, service);
  }

  async export(index: number, spec: McsObject['spec'] = {}): Promise<void> {
    await this.cluster(index).createExport(this.namespace, helloName, spec);
  }

  async unexport(index: number): Promise<void> {
    await this.cluster(index).deleteExport(this.namespace, helloName);
  }

  /**
   * Exports the Service from cluster 0, waits for its ServiceImport, then (a second later, past the
   * one-second granularity of creation timestamps) deploys and exports `second` from cluster 1, so
   * cluster 0's export is unambiguously the oldest.
   */
  async exportFromTwo(
    second: V1Service,
    firstExport: McsObject['spec'] = {},
    secondExport: McsObject['spec'] = {},
  ): Promise<void> {
    await this.deploy(0);
    await this.export(0, firstExport);
    await this.awaitImport(0);
    await sleep(1_100);
    await this.deploy(1, second);
    await this.export(1, secondExport);
  }

  /** Waits until cluster `index` has the ServiceImport and `verify` accepts it. */
  awaitImport(
    index: number,
    verify: (serviceImport: McsObject) => void = () => undefined,
  ): Promise<McsObject> {
    const cluster = this.cluster(index);
    return eventually(
      `ServiceImport ${this.namespace}/${helloName} in ${cluster.name}`,
      async () => {
        const serviceImport = await cluster.getImport(this.namespace, helloName);
        assert.ok(serviceImport !== undefined, 'it does not exist');
        verify(serviceImport);
        return serviceImport;
      },
    );
  }

  async awaitNoImport(index: number): Promise<void> {
    const cluster = this.cluster(index);
    await eventually(
      `ServiceImport ${this.namespace}/${helloName} gone from ${cluster.name}`,
      async () => {
        assert.equal(
          await cluster.getImport(this.namespace, helloName),
          undefined,
          'it still exists',
        );
      },
    );
  }

  async ensureImport(index: number, why: string): Promise<void> {
    const cluster = this.cluster(index);
    await consistently(`ServiceImport in ${cluster.name} ${why}`, async () => {
      assert.notEqual(
        await cluster.getImport(this.namespace, helloName),
        undefined,
        'it disappeared',
      );
    });
  }

  async ensureNoImport(index: number, why: string): Promise<void> {
    const cluster = this.cluster(index);
    await consistently(`no ServiceImport in ${cluster.name} ${why}`, async () => {
      assert.equal(await cluster.getImport(this.namespace, helloName), undefined, 'one exists');
    });
  }

  async awaitExportCondition(index: number, type: string, status: 'True' | 'False'): Promise<void> {
    const cluster = this.cluster(index);
    await eventually(`ServiceExport condition ${type}=${status} in ${cluster.name}`, async () => {
      const condition = conditionOf(await cluster.getExport(this.namespace, helloName), type);
      assert.equal(
        condition?.status,
        status,
        `it is ${condition === undefined ? 'not set' : `${condition.status} (${condition.reason ?? ''}: ${condition.message ?? ''})`}`,
      );
    });
  }
}
