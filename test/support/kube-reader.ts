import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';

/**
 * A test's own view of a cluster, independent of the code under test: reads objects, and submits
 * manifests with server-side dry-run to learn whether the API server would accept them.
 */
export class KubeReader {
  private readonly api: KubernetesObjectApi;
  private readonly core: CoreV1Api;

  constructor(kubeconfigPath: string, context: string) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    config.setCurrentContext(context);
    this.api = KubernetesObjectApi.makeApiClient(config);
    this.core = config.makeApiClient(CoreV1Api);
  }

  /** A short-lived token of a ServiceAccount (TokenRequest API): act with exactly its RBAC rights. */
  async serviceAccountToken(namespace: string, name: string): Promise<string> {
    const request = await this.core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = request.status?.token;
    if (token === undefined)
      throw new Error(`no token issued for ServiceAccount ${namespace}/${name}`);
    return token;
  }

  /** The object, or undefined when the API server answers 404 (or the kind is not served). */
  async get<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.api.read<T>({
        apiVersion,
        kind,
        metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
      });
    } catch (err) {
      if (
        (err as { code?: number }).code === 404 ||
        /Unrecognized API version and kind/.test((err as Error).message)
      )
        return undefined;
      throw err;
    }
  }

  async create<T extends KubernetesObject>(object: T): Promise<T> {
    return this.api.create<T>(object);
  }

  /** Server-side apply with dryRun=All: validated and admitted by the server, stored nowhere. */
  async dryRunApply(object: KubernetesObject): Promise<void> {
    await this.api.patch(
      object,
      undefined,
      'All',
      'causeway-test',
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  /** Applies for real (as a user's `kubectl apply --server-side` would). */
  async apply(object: KubernetesObject): Promise<void> {
    await this.api.patch(
      object,
      undefined,
      undefined,
      'causeway-test',
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
