import { existsSync } from 'node:fs';
import type { CoordinationV1Api, KubeConfig, V1Lease } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  systemClock,
  type AcquireResult,
  type LeaseBackend,
  type LeaseClock,
  type LeaseListener,
  type LeaseRecord,
  type LeaseWatch,
} from './lease-backend.js';
import { runCompareAndSwapRounds } from './compare-and-swap-rounds.js';
import { checkAcquireInput, checkLeaseName, decideAcquire, isLive } from './lease-decision.js';
import { callLeaseStore } from './lease-store-call.js';
import {
  decodeLease,
  encodeLease,
  encodeReleased,
  leaseNameOf,
  leaseObjectName,
  leaseSelector,
  storageRevision,
} from './kubernetes-lease-object.js';
import { RevisionOrderedWatch } from './revision-ordered-watch.js';

export interface KubernetesLeaseBackendOptions {
  /** A kubeconfig file; without it `$KUBECONFIG`, `~/.kube/config`, or the pod's own credentials. */
  kubeconfig?: string;
  /** A context of that kubeconfig; without it its current context. */
  context?: string;
  /** Where the Lease objects live; without it the context's namespace, else `default`. */
  namespace?: string;
  clock?: LeaseClock;
}

/** The client library, loaded on first use of this backend. */
type KubernetesClient = typeof import('@kubernetes/client-node');

/** The state one compare-and-swap round starts from. */
interface ReadState {
  object: V1Lease | undefined;
  /** The storage revision when the read was served: no token ever written can exceed it. */
  revision: number;
}

/**
 * Leases as `coordination.k8s.io/v1` Lease objects in a coordination cluster. Writes are
 * compare-and-swap on resourceVersion (a create fails if the object exists, an update if it
 * changed). A new holder's fencing token is one more than the larger of the token stored on the
 * object and the storage revision its read saw. Every token is at most the revision of the
 * write that first stored it, and the revision only grows, so tokens keep growing even when the
 * Lease, or its whole namespace, is deleted and created again. Expiry is judged by the caller's
 * clock, as in the other backends.
 */
export class KubernetesLeaseBackend implements LeaseBackend {
  readonly #client: KubernetesClient;
  readonly #api: CoordinationV1Api;
  readonly #config: KubeConfig;
  readonly #namespace: string;
  readonly #clock: LeaseClock;
  readonly #where: string;

  /** Loads the kubeconfig and context; problems name the option that fixes them. */
  static async open(options: KubernetesLeaseBackendOptions = {}): Promise<KubernetesLeaseBackend> {
    // The client library takes about a second to load; only processes that use this backend pay it.
    const client = await import('@kubernetes/client-node');
    return new KubernetesLeaseBackend(client, loadKubeConfig(client, options), options);
  }

  private constructor(
    client: KubernetesClient,
    config: KubeConfig,
    options: KubernetesLeaseBackendOptions,
  ) {
    this.#client = client;
    this.#config = config;
    this.#api = config.makeApiClient(client.CoordinationV1Api);
    this.#namespace =
      options.namespace ??
      config.getContextObject(config.getCurrentContext())?.namespace ??
      'default';
    this.#clock = options.clock ?? systemClock;
    this.#where = `namespace ${this.#namespace} of ${config.getCurrentCluster()?.server ?? 'the cluster'}`;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult> {
    checkAcquireInput(name, holder, ttlMs);
    return this.#withRetries(name, async () => {
      const { object, revision } = await this.#read(name);
      const stored = object === undefined ? undefined : decodeLease(name, object);
      const now = this.#clock.now();
      const lastToken = Math.max(stored?.fencingToken ?? 0, revision);
      const decision = decideAcquire(stored?.record, lastToken, { name, holder, ttlMs, now });
      if (decision.type === 'refused') return decision.result;
      const written = await this.#write(
        encodeLease(decision.write, object, now, decision.type === 'taken'),
      );
      return written ? decision.result : undefined;
    });
  }

  async release(name: string, holder: string): Promise<boolean> {
    checkLeaseName(name);
    return this.#withRetries(name, async () => {
      const { object } = await this.#read(name);
      const record = object === undefined ? undefined : decodeLease(name, object).record;
      if (object === undefined || !isLive(record, this.#clock.now()) || record.holder !== holder)
        return false;
      // The object stays with its token, for people reading it; safety does not depend on it.
      return (await this.#write(encodeReleased(object))) ? true : undefined;
    });
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    checkLeaseName(name);
    const { object } = await this.#call(name, () => this.#read(name));
    const record = object === undefined ? undefined : decodeLease(name, object).record;
    return isLive(record, this.#clock.now()) ? record : undefined;
  }

  async list(): Promise<LeaseRecord[]> {
    const list = await this.#call('*', () =>
      this.#api.listNamespacedLease({ namespace: this.#namespace, labelSelector: leaseSelector }),
    );
    const now = this.#clock.now();
    return list.items
      .map((object) => decodeLease(leaseNameOf(object), object).record)
      .filter((lease): lease is LeaseRecord => isLive(lease, now))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * A Kubernetes watch on the one Lease object, started from the storage revision of a read;
   * events and reads are told in revision order (see RevisionOrderedWatch). When the stream ends
   * (the API server closes watches after a while, or restarts) the read and the watch start again.
   */
  async watch(name: string, listener: LeaseListener): Promise<LeaseWatch> {
    checkLeaseName(name);
    const ordered = new RevisionOrderedWatch(listener);
    let stream: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deliver = (revision: number, object: V1Lease | undefined): void => {
      ordered.deliver(revision, () =>
        object === undefined ? undefined : decodeLease(name, object).record,
      );
    };
    const again = (delayMs: number): void => {
      if (!ordered.closed) timer = setTimeout(() => void start(), delayMs);
    };
    const start = async (): Promise<void> => {
      try {
        const { object, revision } = await this.#call(name, () => this.#read(name));
        deliver(revision, object);
        const path = `/apis/coordination.k8s.io/v1/namespaces/${this.#namespace}/leases`;
        const query = {
          fieldSelector: `metadata.name=${leaseObjectName(name)}`,
          resourceVersion: String(revision),
        };
        stream = await new this.#client.Watch(this.#config).watch(
          path,
          query,
          (type: string, event: V1Lease) => {
            const revisionOf = storageRevision(event.metadata?.resourceVersion);
            if (type === 'ADDED' || type === 'MODIFIED') deliver(revisionOf, event);
            else if (type === 'DELETED') deliver(revisionOf, undefined);
          },
          (err: unknown) => {
            stream = undefined;
            if (ordered.closed) return;
            if (err !== null && err !== undefined && (err as Error).name !== 'AbortError')
              ordered.error(err);
            again(err === null || err === undefined ? 100 : 1_000);
          },
        );
        if (ordered.closed) stream.abort();
      } catch (err) {
        if (ordered.closed) return;
        ordered.error(err);
        again(1_000);
      }
    };
    await start();
    return {
      close: async () => {
        ordered.close();
        clearTimeout(timer);
        stream?.abort();
      },
    };
  }

  async close(): Promise<void> {
    // Requests carry no state between calls; watches are closed by their owners.
  }

  /**
   * A list narrowed to the one object rather than a get: a list answers with the current storage
   * revision even when the object does not exist, which the token floor needs after a delete.
   */
  async #read(name: string): Promise<ReadState> {
    const list = await this.#api.listNamespacedLease({
      namespace: this.#namespace,
      fieldSelector: `metadata.name=${leaseObjectName(name)}`,
    });
    return { object: list.items[0], revision: storageRevision(list.metadata?.resourceVersion) };
  }

  /** Creates or updates (with the read resourceVersion); false when another writer got there first. */
  async #write(body: V1Lease): Promise<boolean> {
    const name = body.metadata?.name ?? '';
    try {
      if (body.metadata?.resourceVersion === undefined)
        await this.#api.createNamespacedLease({ namespace: this.#namespace, body });
      else await this.#api.replaceNamespacedLease({ name, namespace: this.#namespace, body });
      return true;
    } catch (err) {
      if (err instanceof this.#client.ApiException && err.code === 409) return false;
      throw err;
    }
  }

  async #withRetries<T>(name: string, round: () => Promise<T | undefined>): Promise<T> {
    return runCompareAndSwapRounds(name, round, (fn) => this.#call(name, fn));
  }

  /** Turns API and network failures into typed errors that say what to fix. */
  #call<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return callLeaseStore(fn, (cause) => {
      const status = cause instanceof this.#client.ApiException ? cause.code : undefined;
      return apiError(name, this.#where, this.#namespace, status, cause);
    });
  }
}

/** `status` is the HTTP status of the API server's answer, undefined when there was none. */
function apiError(
  name: string,
  where: string,
  namespace: string,
  status: number | undefined,
  cause: unknown,
): CausewayError {
  if (status === undefined) {
    return new CausewayError(
      ErrorCode.BackendUnreachable,
      `Kubernetes API request for lease ${name} in ${where} got no answer`,
      {
        cause,
        hint: 'check that the API server in the kubeconfig is running and reachable',
      },
    );
  }
  const hint =
    status === 401 || status === 403
      ? `the kubeconfig's user needs get, list, create and update on leases.coordination.k8s.io in namespace ${namespace}`
      : status === 404
        ? `create the namespace first (kubectl create namespace ${namespace}) or pass --namespace`
        : undefined;
  return new CausewayError(
    ErrorCode.KubeApiFailed,
    `Kubernetes API refused a request for lease ${name} in ${where}: HTTP ${status}`,
    {
      cause,
      ...(hint === undefined ? {} : { hint }),
    },
  );
}

/** The kubeconfig and context to use. */
function loadKubeConfig(
  client: KubernetesClient,
  options: KubernetesLeaseBackendOptions,
): KubeConfig {
  const config = new client.KubeConfig();
  const source = options.kubeconfig ?? 'the default kubeconfig';
  try {
    if (options.kubeconfig === undefined) config.loadFromDefault();
    else if (!existsSync(options.kubeconfig)) throw new Error('no such file');
    else config.loadFromFile(options.kubeconfig);
  } catch (cause) {
    throw new CausewayError(
      ErrorCode.KubeConfigInvalid,
      `--kubeconfig: cannot load ${source}: ${(cause as Error).message}`,
      {
        cause,
        hint: 'pass --kubeconfig <file> of the coordination cluster',
      },
    );
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      throw new CausewayError(
        ErrorCode.KubeConfigInvalid,
        `--context: ${source} has no context ${JSON.stringify(options.context)}`,
        {
          hint: `known contexts: ${
            config
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          }`,
        },
      );
    }
    config.setCurrentContext(options.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new CausewayError(
      ErrorCode.KubeConfigInvalid,
      `--kubeconfig: the current context of ${source} names no cluster`,
      {
        hint: 'pass --context <name>, or set current-context in the kubeconfig',
      },
    );
  }
  return config;
}
