import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { loadKubeConfig } from '../index.js';
import { apiStatus, kubeApiError } from './kube-api-error.js';

/**
 * Which cluster to talk to: a context of a kubeconfig (default: $KUBECONFIG or ~/.kube/config);
 * without a context, the kubeconfig's current one, or the pod's own credentials inside a cluster.
 */
export interface KubeTarget {
  context?: string;
  kubeconfig?: string;
}

/** Every object Causeway writes carries this field manager, so server-side apply owns our fields only. */
export const FIELD_MANAGER = 'causeway';

/** A reference to one object: enough to read or delete it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One cluster's API, with every failure turned into a CausewayError naming the context. */
export class KubeSession {
  private readonly objects: KubernetesObjectApi;

  private constructor(
    readonly context: string,
    readonly config: KubeConfig,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(config);
  }

  /** Loads the kubeconfig and selects the context (the controller's loader: unknown contexts are bad input). */
  static open(target: KubeTarget): KubeSession {
    const config = loadKubeConfig(target);
    return new KubeSession(target.context ?? config.getCurrentContext(), config);
  }

  /** The object, or undefined when it (or its kind) does not exist. */
  async read<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.objects.read<T>(header(ref));
    } catch (err) {
      if (apiStatus(err) === 404 || isUnknownKind(err)) return undefined;
      throw kubeApiError(this.context, `read ${describeRef(ref)}`, err);
    }
  }

  /** Server-side apply: creates or updates the fields Causeway owns, leaving others' fields alone. */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    try {
      return await this.objects.patch<T>(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      throw kubeApiError(this.context, `apply ${describeObject(object)}`, err);
    }
  }

  /** Creates an object that must not exist yet (a request that should happen once). */
  async create<T extends KubernetesObject>(object: T): Promise<T> {
    try {
      return await this.objects.create<T>(object, undefined, undefined, FIELD_MANAGER);
    } catch (err) {
      throw kubeApiError(this.context, `create ${describeObject(object)}`, err);
    }
  }

  /** Replaces an object read earlier; a 409 means someone changed it in between. */
  async replace<T extends KubernetesObject>(object: T): Promise<T> {
    try {
      return await this.objects.replace<T>(object, undefined, undefined, FIELD_MANAGER);
    } catch (err) {
      throw kubeApiError(this.context, `update ${describeObject(object)}`, err);
    }
  }

  /** Deletes the object; true when it existed. */
  async remove(ref: ObjectRef): Promise<boolean> {
    try {
      await this.objects.delete(
        header(ref),
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
      );
      return true;
    } catch (err) {
      if (apiStatus(err) === 404 || isUnknownKind(err)) return false;
      throw kubeApiError(this.context, `delete ${describeRef(ref)}`, err);
    }
  }

  /** Objects of a kind (optionally in one namespace, matching a label selector); none when the kind is unknown. */
  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<T[]> {
    try {
      const list: KubernetesListObject<T> = await this.objects.list<T>(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      );
      return list.items;
    } catch (err) {
      if (apiStatus(err) === 404 || isUnknownKind(err)) return [];
      throw kubeApiError(this.context, `list ${kind}`, err);
    }
  }

  /**
   * Watches one object until `done` returns a value, or fails after `timeoutMs`. A watch without a
   * resource version starts with the current state, so a change made before the watch began is seen.
   * The API server ends watches now and then; the watch is then opened again.
   */
  async waitFor<T extends KubernetesObject, R>(
    path: string,
    name: string,
    done: (object: T) => R | undefined,
    timeoutMs: number,
  ): Promise<R | undefined> {
    const watch = new Watch(this.config);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const result = await new Promise<R | undefined>((resolve, reject) => {
        let settled = false;
        let request: { abort(): void } | undefined;
        const finish = (value: R | undefined, err?: unknown): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request?.abort();
          if (err === undefined) resolve(value);
          else reject(kubeApiError(this.context, `watch ${path}/${name}`, err));
        };
        const timer = setTimeout(() => finish(undefined), Math.max(0, deadline - Date.now()));
        watch
          .watch(
            path,
            { fieldSelector: `metadata.name=${name}` },
            (phase: string, object: T) => {
              if (phase === 'ADDED' || phase === 'MODIFIED') {
                const value = done(object);
                if (value !== undefined) finish(value);
              }
            },
            (err: unknown) =>
              err === null || err === undefined || isAbort(err)
                ? finish(undefined)
                : finish(undefined, err),
          )
          .then(
            (req) => {
              request = req;
              if (settled) req.abort();
            },
            (err: unknown) => finish(undefined, err),
          );
      });
      if (result !== undefined) return result;
    }
    return undefined;
  }
}

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string } } {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    },
  };
}

/**
 * The client asks discovery for a kind's resource first: an absent API group answers 404 (seen
 * above), a present group without the kind fails in the client with this message.
 */
function isUnknownKind(err: unknown): boolean {
  return err instanceof Error && /Unrecognized API version and kind/.test(err.message);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || /aborted/i.test(err.message));
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

export function describeObject(object: KubernetesObject): string {
  return describeRef({
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    ...(object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
  });
}

/** The reference of an object from a manifest. */
export function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    ...(object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
  };
}
