import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../observability/index.js';
import type {
  EndpointSlice,
  Namespace,
  Secret,
  Service,
  ServiceExport,
  ServiceImport,
} from './client/kube-objects.js';
import type { KubeRest } from './client/kube-rest.js';
import { Resources, serviceExports, serviceImports } from './client/resources.js';
import { LinkSecret } from './link-exchange/link-secrets.js';
import { ResourceInformer, type InformerEvent } from './watch/resource-informer.js';
import { SliceIndex } from './watch/slice-index.js';

/** Callbacks for each kind of change the controller reacts to. */
export interface CacheEvents {
  namespace(object: Namespace, event: InformerEvent): void;
  service(object: Service): void;
  slice(object: EndpointSlice, serviceKey: string | undefined): void;
  serviceExport(object: ServiceExport): void;
  serviceImport(object: ServiceImport): void;
  secret(object: Secret): void;
  resync(): void;
}

/** The informers the controller reads from (all namespaces, plus link Secrets in its own). */
export class ControllerCaches {
  readonly sliceIndex = new SliceIndex();
  readonly namespaces: ResourceInformer<Namespace>;
  readonly services: ResourceInformer<Service>;
  readonly slices: ResourceInformer<EndpointSlice>;
  readonly serviceExports: ResourceInformer<ServiceExport>;
  readonly serviceImports: ResourceInformer<ServiceImport>;
  readonly tokenRequests: ResourceInformer<Secret>;
  readonly linkTokens: ResourceInformer<Secret>;

  constructor(
    kc: KubeConfig,
    rest: KubeRest,
    mcsVersion: string,
    controllerNamespace: string,
    events: CacheEvents,
    logger: Logger,
  ) {
    const common = { logger, onResync: () => events.resync() };
    this.namespaces = new ResourceInformer<Namespace>(kc, rest, {
      ...common,
      name: 'namespaces',
      resource: Resources.namespaces,
      onChange: (o, e) => events.namespace(o, e),
    });
    this.services = new ResourceInformer<Service>(kc, rest, {
      ...common,
      name: 'services',
      resource: Resources.services,
      onChange: (o) => events.service(o),
    });
    this.slices = new ResourceInformer<EndpointSlice>(kc, rest, {
      ...common,
      name: 'endpointslices',
      resource: Resources.endpointSlices,
      onChange: (o, e) => events.slice(o, this.sliceIndex.update(o, e === 'delete')),
    });
    this.serviceExports = new ResourceInformer<ServiceExport>(kc, rest, {
      ...common,
      name: 'serviceexports',
      resource: serviceExports(mcsVersion),
      onChange: (o) => events.serviceExport(o),
    });
    this.serviceImports = new ResourceInformer<ServiceImport>(kc, rest, {
      ...common,
      name: 'serviceimports',
      resource: serviceImports(mcsVersion),
      onChange: (o) => events.serviceImport(o),
    });
    const secrets = {
      ...common,
      resource: Resources.secrets,
      namespace: controllerNamespace,
      onChange: (o: Secret) => events.secret(o),
    };
    this.tokenRequests = new ResourceInformer<Secret>(kc, rest, {
      ...secrets,
      name: 'token-requests',
      labelSelector: `${LinkSecret.tokenRequestLabel}=true`,
    });
    this.linkTokens = new ResourceInformer<Secret>(kc, rest, {
      ...secrets,
      name: 'link-tokens',
      labelSelector: `${LinkSecret.linkTokenLabel}=true`,
    });
  }

  private get all(): Array<{ start(): Promise<void>; stop(): Promise<void> }> {
    return [
      this.namespaces,
      this.services,
      this.slices,
      this.serviceExports,
      this.serviceImports,
      this.tokenRequests,
      this.linkTokens,
    ];
  }

  /** Lists everything and starts the watches; resolves when every cache is filled. */
  async start(): Promise<void> {
    await Promise.all(this.all.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }

  namespaceExists(name: string): boolean {
    const ns = this.namespaces.get(name);
    return ns !== undefined && ns.metadata.deletionTimestamp === undefined;
  }
}
