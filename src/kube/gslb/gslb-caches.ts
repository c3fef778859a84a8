import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../observability/index.js';
import type { Gateway, GlobalRecord, Ingress, K8gbGslb } from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { objectPath, Resources, type Resource } from '../client/resources.js';
import { ResourceInformer } from '../watch/resource-informer.js';

/** The CRD of a resource: `gslbs.k8gb.io`. */
function crdName(resource: Resource): string {
  return `${resource.plural}.${resource.group}`;
}

/**
 * The informers global records are planned from: GlobalRecords and Ingresses always, k8gb's Gslbs
 * and Gateway API Gateways where their CRDs are installed (looked at once, at start: installing
 * either later takes a controller restart, as with any CRD the controller did not install).
 */
export class GslbCaches {
  private constructor(
    readonly globalRecords: ResourceInformer<GlobalRecord>,
    readonly ingresses: ResourceInformer<Ingress>,
    readonly k8gbGslbs: ResourceInformer<K8gbGslb> | undefined,
    readonly gateways: ResourceInformer<Gateway> | undefined,
  ) {}

  static async create(
    kc: KubeConfig,
    rest: KubeRest,
    onChange: () => void,
    logger: Logger,
  ): Promise<GslbCaches> {
    const informer = <T extends GlobalRecord | Ingress | K8gbGslb | Gateway>(
      resource: Resource,
    ): ResourceInformer<T> =>
      new ResourceInformer<T>(kc, rest, {
        name: resource.plural,
        resource,
        logger,
        onChange: () => onChange(),
        onResync: onChange,
      });
    const installed = async (resource: Resource): Promise<boolean> =>
      (await rest.get(objectPath(Resources.crds, crdName(resource)))) !== undefined;
    const [k8gb, gateway] = await Promise.all([
      installed(Resources.k8gbGslbs),
      installed(Resources.gateways),
    ]);
    logger.info({ k8gb, gatewayApi: gateway }, 'global records: watching GlobalRecords');
    return new GslbCaches(
      informer<GlobalRecord>(Resources.globalRecords),
      informer<Ingress>(Resources.ingresses),
      k8gb ? informer<K8gbGslb>(Resources.k8gbGslbs) : undefined,
      gateway ? informer<Gateway>(Resources.gateways) : undefined,
    );
  }

  private get all(): Array<ResourceInformer<GlobalRecord | Ingress | K8gbGslb | Gateway>> {
    return [this.globalRecords, this.ingresses, this.k8gbGslbs, this.gateways].filter(
      (i) => i !== undefined,
    ) as Array<ResourceInformer<GlobalRecord | Ingress | K8gbGslb | Gateway>>;
  }

  async start(): Promise<void> {
    await Promise.all(this.all.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }
}
