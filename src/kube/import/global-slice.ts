import type { ServiceView } from '../../api/index.js';
import type { EndpointSlice, Service } from '../client/kube-objects.js';
import { globalSettingsOf } from '../export/global-annotations.js';
import { globalSliceName } from './derived-names.js';
import { GLOBAL_SLICE_LABEL, ImportLabel, MANAGED_BY_CONTROLLER } from './import-labels.js';
import { hashed } from './import-objects.js';
import { routerTarget } from './router-target.js';

/**
 * For a global service (`causeway.io/global`, or Cilium's `service.cilium.io/global` or
 * `io.cilium/global-service`, on this cluster's Service or on the exporters'),
 * an extra EndpointSlice on this cluster's ordinary Service of the same name pointing at the router
 * (its import address and listener ports, else its virtual IP), so the `cluster.local` name reaches
 * remote endpoints too. Only where the Service exists,
 * the router imports the service, and some other cluster exports it. Ports are the ordinary Service's
 * TCP ports that the clusterset service also has.
 */
export function desiredGlobalSlice(
  view: ServiceView | undefined,
  ordinary: Service | undefined,
  site: string,
): EndpointSlice | undefined {
  if (view === undefined || ordinary === undefined || view.type === 'Headless') return undefined;
  // Global here when this cluster's Service says so (Cilium: in every cluster that has it), or when the exporters do.
  const global =
    globalSettingsOf(ordinary.metadata.annotations).global ||
    globalSettingsOf(view.annotations).global;
  if (!global || !view.sites.some((s) => s !== site)) return undefined;
  const target = routerTarget(view);
  if (target === undefined) return undefined;
  const offered = new Set(view.ports.map((p) => `${p.port}/${p.protocol}`));
  const ports = (ordinary.spec?.ports ?? []).flatMap((p) => {
    const protocol = p.protocol ?? 'TCP';
    const routerPort =
      (protocol === 'TCP' || protocol === 'UDP') && offered.has(`${p.port}/${protocol}`)
        ? target.port(p.port, protocol)
        : undefined;
    return routerPort === undefined
      ? []
      : [{ ...(p.name === undefined ? {} : { name: p.name }), protocol, port: routerPort }];
  });
  if (ports.length === 0 || ordinary.metadata.uid === undefined) return undefined;
  return hashed<EndpointSlice>({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: globalSliceName(ordinary.metadata.name),
      namespace: ordinary.metadata.namespace ?? view.namespace,
      labels: {
        [ImportLabel.kubeServiceName]: ordinary.metadata.name,
        [ImportLabel.managedBy]: MANAGED_BY_CONTROLLER,
        [ImportLabel.sourceCluster]: site,
        [GLOBAL_SLICE_LABEL]: 'true',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: ordinary.metadata.name,
          uid: ordinary.metadata.uid,
          controller: false,
        },
      ],
    },
    addressType: target.addressType,
    endpoints: [{ addresses: [target.address], conditions: { ready: true } }],
    ports,
  });
}
