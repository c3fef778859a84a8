import { hostname } from 'node:os';
import type { Logger } from '../../observability/index.js';
import type { KubeObject, ServiceImport } from '../client/kube-objects.js';
import { KubeApiError, isNotFound, type KubeRest } from '../client/kube-rest.js';
import { Resources, collectionPath, objectPath, serviceImports } from '../client/resources.js';

/** The condition (on a ServiceImport) and Event reason of a reconcile the API refused (403). */
export const FORBIDDEN_REASON = 'Forbidden';
const COMPONENT = 'causeway-controller';
/** One Event per object a minute: the work queue retries every ≤10 s, and an Event per retry is noise. */
const EVENT_EVERY_MS = 60_000;

/** True when the API server refused the call for lack of permission. */
export function isForbidden(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && err.status === 403;
}

interface Involved {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/** The object a work key is about, the one an operator looks at (`kubectl describe`) (pure). */
export function involvedObject(
  key: string,
  mcsVersion: string,
  controllerNamespace: string,
): Involved | undefined {
  const [kind = '', a = '', b = ''] = key.split('/');
  switch (kind) {
    case 'export':
      return {
        apiVersion: `multicluster.x-k8s.io/${mcsVersion}`,
        kind: 'ServiceExport',
        namespace: a,
        name: b,
      };
    case 'import':
    case 'global':
      return {
        apiVersion: `multicluster.x-k8s.io/${mcsVersion}`,
        kind: 'ServiceImport',
        namespace: a,
        name: b,
      };
    case 'secret':
      return { apiVersion: 'v1', kind: 'Secret', namespace: controllerNamespace, name: a };
    default:
      return undefined;
  }
}

/** What the operator reads: the API's own refusal (verb, resource, namespace) and where to grant it (pure). */
export function forbiddenMessage(err: KubeApiError): string {
  const refusal = err.message.replace(/^\S+ \S+: 403 /, '');
  return `the API server refused the controller: ${refusal}. Grant it in the causeway-controller ClusterRole (deploy/rbac/controller-rbac.yaml, or the Helm chart's RBAC); the controller retries on its own`;
}

/**
 * Makes a refused reconcile visible where operators look, without stopping the controller: a
 * Warning Event on the object (at most one a minute), and on a ServiceImport a condition
 * `Ready=False, reason Forbidden` that is removed once a reconcile of it succeeds. Reporting is
 * best effort: a failure to report is logged, never thrown into the work queue.
 */
export class ForbiddenReporter {
  private readonly lastEvent = new Map<string, number>();

  constructor(
    private readonly rest: KubeRest,
    private readonly controllerNamespace: string,
    /** The informer's copy: a condition left by an earlier process is seen (and cleared) too. */
    private readonly serviceImport: (namespace: string, name: string) => ServiceImport | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async forbidden(key: string, mcsVersion: string, err: KubeApiError): Promise<void> {
    const involved = involvedObject(key, mcsVersion, this.controllerNamespace);
    if (involved === undefined) return;
    const message = forbiddenMessage(err);
    this.logger.error(
      { key, code: 'CW_KUBE_FORBIDDEN', err },
      'reconcile refused by the API server (RBAC); will retry',
    );
    if (involved.kind === 'ServiceImport')
      await this.setCondition(key, involved, mcsVersion, message);
    const last = this.lastEvent.get(key);
    if (last !== undefined && this.now() - last < EVENT_EVERY_MS) return;
    this.lastEvent.set(key, this.now());
    await this.event(involved, message);
  }

  /** A reconcile of `key` succeeded: a Forbidden condition it left goes away. */
  async succeeded(key: string, mcsVersion: string): Promise<void> {
    const involved = involvedObject(key, mcsVersion, this.controllerNamespace);
    if (involved?.kind !== 'ServiceImport') return;
    const conditions =
      this.serviceImport(involved.namespace, involved.name)?.status?.conditions ?? [];
    if (!conditions.some((c) => c.reason === FORBIDDEN_REASON)) return;
    await this.best('clear the Forbidden condition', async () => {
      await this.rest.mergePatch(
        `${objectPath(serviceImports(mcsVersion), involved.name, involved.namespace)}/status`,
        { status: { conditions: null } },
      );
      this.lastEvent.delete(key);
    });
  }

  private async setCondition(
    key: string,
    involved: Involved,
    mcsVersion: string,
    message: string,
  ): Promise<void> {
    const path = objectPath(serviceImports(mcsVersion), involved.name, involved.namespace);
    await this.best('set the Forbidden condition', async () => {
      const condition = {
        type: 'Ready',
        status: 'False',
        reason: FORBIDDEN_REASON,
        message,
        lastTransitionTime: new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      };
      await this.rest.mergePatch(`${path}/status`, { status: { conditions: [condition] } });
    });
  }

  private async event(involved: Involved, message: string): Promise<void> {
    const at = new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${involved.name}.`, namespace: involved.namespace },
      involvedObject: involved,
      type: 'Warning',
      reason: FORBIDDEN_REASON,
      message,
      source: { component: COMPONENT, host: hostname() },
      reportingComponent: COMPONENT,
      reportingInstance: hostname(),
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    } as unknown as KubeObject;
    await this.best('record an Event', () =>
      this.rest
        .create(collectionPath(Resources.events, involved.namespace), event)
        .then(() => undefined),
    );
  }

  private async best(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      // The import may not exist yet (refused before it was made): there is then nothing to mark.
      if (isNotFound(err)) return;
      this.logger.warn({ err }, `could not ${what} for a refused reconcile`);
    }
  }
}
