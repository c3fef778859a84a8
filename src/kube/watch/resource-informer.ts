import {
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import { backoffDelay } from '../../link/index.js';
import type { Logger } from '../../observability/index.js';
import type { KubeObject } from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { collectionPath, type Resource } from '../client/resources.js';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface ResourceInformerOptions<T extends KubeObject> {
  /** Names the informer in logs. */
  name: string;
  resource: Resource;
  namespace?: string;
  labelSelector?: string;
  onChange: (object: T, event: InformerEvent) => void;
  /** After every (re)connect: the cache was listed or the watch resumed; re-check everything (level-triggered). */
  onResync?: () => void;
  logger: Logger;
}

/**
 * A list-then-watch cache of one kind of object (client-node's ListWatch). The watch restarts
 * after an error with capped, jittered back-off; a reconnect resumes from the last resource
 * version or, when that is too old (410), lists again, and then asks for a resync.
 */
export class ResourceInformer<T extends KubeObject> {
  // client-node types timestamps as Date, but list and watch both hand over the wire JSON
  // untouched (strings), which is what KubeObject says; the casts below only bridge the typings.
  private readonly informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private everSynced = false;

  constructor(
    kc: KubeConfig,
    rest: KubeRest,
    private readonly options: ResourceInformerOptions<T>,
  ) {
    const path = collectionPath(options.resource, options.namespace);
    const query: Record<string, string> =
      options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector };
    this.informer = makeInformer<KubernetesObject>(
      kc,
      path,
      () => rest.list<T>(path, query) as never,
      options.labelSelector,
    );
    this.informer.on('add', (o) => options.onChange(o as never, 'add'));
    this.informer.on('update', (o) => options.onChange(o as never, 'update'));
    this.informer.on('delete', (o) => options.onChange(o as never, 'delete'));
    this.informer.on('error', (err: unknown) => this.restartLater(err));
    this.informer.on('connect', () => {
      if (this.everSynced) options.onResync?.();
    });
  }

  /** Lists and starts watching; resolves once the cache holds the first full list. */
  async start(): Promise<void> {
    await this.informer.start();
    this.everSynced = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace) as T | undefined;
  }

  list(namespace?: string): readonly T[] {
    return this.informer.list(namespace) as unknown as readonly T[];
  }

  private restartLater(err: unknown): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, 200, 5_000);
    this.options.logger.warn(
      { informer: this.options.name, err, retryInMs: delay },
      'watch failed; restarting',
    );
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.informer.start().then(
        () => {
          this.attempt = 0;
          this.everSynced = true;
          this.options.logger.info({ informer: this.options.name }, 'watch resumed');
          this.options.onResync?.();
        },
        (e: unknown) => this.restartLater(e),
      );
    }, delay);
  }
}
