import { AssertionError } from 'node:assert';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  type V1EndpointSlice,
  type V1Service,
} from '@kubernetes/client-node';

/** The MCS API objects the checks read, as far as they read them. */
export interface McsCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
export interface McsPort {
  name?: string;
  protocol?: string;
  port: number;
  appProtocol?: string;
}
export interface McsObject {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    type?: string;
    ips?: string[];
    ipFamilies?: string[];
    ports?: McsPort[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    internalTrafficPolicy?: string;
    trafficDistribution?: string;
    exportedLabels?: Record<string, string>;
    exportedAnnotations?: Record<string, string>;
  };
  status?: { conditions?: McsCondition[] };
}

const group = 'multicluster.x-k8s.io';
const version = 'v1beta1';

/** Windows of the MCS conformance rules: changes show within 20 s, "still so" holds for 5 s. */
export const eventuallyMs = 20_000;
export const consistentlyMs = 5_000;

/** One member cluster, reached through a kubeconfig context. */
export class McsCluster {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly discovery: DiscoveryV1Api;

  constructor(
    readonly name: string,
    config: KubeConfig,
  ) {
    this.core = config.makeApiClient(CoreV1Api);
    this.custom = config.makeApiClient(CustomObjectsApi);
    this.discovery = config.makeApiClient(DiscoveryV1Api);
  }

  async endpointSlices(namespace: string): Promise<V1EndpointSlice[]> {
    return (await this.discovery.listNamespacedEndpointSlice({ namespace })).items;
  }

  async createService(namespace: string, service: V1Service): Promise<void> {
    await this.core.createNamespacedService({ namespace, body: service });
  }

  async createExport(namespace: string, name: string, spec: McsObject['spec'] = {}): Promise<void> {
    const body = {
      apiVersion: `${group}/${version}`,
      kind: 'ServiceExport',
      metadata: { name },
      spec,
    };
    await this.custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'serviceexports',
      body,
    });
  }

  async deleteExport(namespace: string, name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'serviceexports',
      name,
    });
  }

  getExport(namespace: string, name: string): Promise<McsObject | undefined> {
    return this.#get('serviceexports', namespace, name);
  }

  getImport(namespace: string, name: string): Promise<McsObject | undefined> {
    return this.#get('serviceimports', namespace, name);
  }

  /** Fails unless the MCS CRDs are served: nothing else here would make sense without them. */
  async checkMcsApi(): Promise<void> {
    for (const plural of ['serviceexports', 'serviceimports']) {
      await this.custom
        .listClusterCustomObject({ group, version, plural })
        .catch((err: unknown) => {
          throw new Error(
            `context ${this.name}: cannot list ${plural}.${group}/${version}; are the MCS CRDs installed? (${(err as Error).message})`,
          );
        });
    }
  }

  async #get(plural: string, namespace: string, name: string): Promise<McsObject | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name,
      })) as McsObject;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }
}

/** Clients for `contexts` of the kubeconfig at `path` (default kubeconfig when undefined). */
export function clustersOf(path: string | undefined, contexts: string[]): McsCluster[] {
  return contexts.map((context) => {
    const config = new KubeConfig();
    if (path === undefined) config.loadFromDefault();
    else config.loadFromFile(path);
    if (config.getContextObject(context) === null)
      throw new Error(`--contexts: no context ${context} in ${path ?? 'the default kubeconfig'}`);
    config.setCurrentContext(context);
    return new McsCluster(context, config);
  });
}

/** Polls `check` every 100 ms until it passes (returns without throwing) or `timeoutMs` ends. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T>,
  timeoutMs = eventuallyMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline)
        throw new Error(`${what}: not within ${timeoutMs / 1_000} s: ${describeFailure(err)}`);
    }
    await sleep(100);
  }
}

/** Checks every 100 ms for `forMs` that `check` keeps passing. */
export async function consistently(
  what: string,
  check: () => Promise<void>,
  forMs = consistentlyMs,
): Promise<void> {
  const deadline = Date.now() + forMs;
  while (Date.now() < deadline) {
    try {
      await check();
    } catch (err) {
      throw new Error(`${what}: stopped holding: ${describeFailure(err)}`);
    }
    await sleep(100);
  }
}

/** An assertion's first line, with what it found and wanted, on one line for the report. */
function describeFailure(err: unknown): string {
  if (!(err instanceof AssertionError)) return (err as Error).message;
  const found = `found ${JSON.stringify(err.actual)}, wanted ${JSON.stringify(err.expected)}`;
  return err.generatedMessage ? found : `${err.message.split('\n')[0] ?? ''} (${found})`;
}

/** The condition of `type` on an object, if set. */
export function conditionOf(object: McsObject | undefined, type: string): McsCondition | undefined {
  return object?.status?.conditions?.find((condition) => condition.type === type);
}

/** True for a textual IPv4 or IPv6 address. */
export function isIpAddress(text: string): boolean {
  return isIP(text) !== 0;
}
