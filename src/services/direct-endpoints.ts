import type { ExportConfig, NetworkConfig } from '../config/index.js';
import { parseHostPort } from '../config/index.js';
import { blockHasAddress, parseCidrBlock } from '../network/index.js';
import type { DirectEndpoint } from '../routing/index.js';

/** What a site needs to list its Pods by their own addresses. */
export interface DirectSite {
  network: NetworkConfig;
  /** The site's zone: the zone of endpoints that name none. */
  zone: string;
  ready(entry: ExportConfig): boolean;
  serving(entry: ExportConfig): boolean;
}

/**
 * The Pods of each exported service (keyed `name.namespace`) that other sites may reach by their
 * own addresses: nothing unless this site declares its pod network routable, and only backends
 * whose address lies in one of its pod CIDRs, so a node address, a loopback backend or a VIP is
 * never offered as a direct path. One endpoint per Pod (and hostname), its ports mapped from the
 * Service port to the Pod's, as an EndpointSlice lists them.
 */
export function directEndpoints(
  exports: readonly ExportConfig[],
  site: DirectSite,
): Map<string, DirectEndpoint[]> {
  const out = new Map<string, DirectEndpoint[]>();
  if (!site.network.routable) return out;
  const pods = site.network.pods.map((c) => parseCidrBlock(c));
  for (const e of exports) {
    const to = parseHostPort(e.to, 'to');
    if (!pods.some((b) => blockHasAddress(b, to.host))) continue;
    const key = `${e.name}.${e.namespace}`;
    const list = out.get(key) ?? [];
    const hostname = e.headless === true ? e.hostname : undefined;
    let endpoint = list.find((x) => x.address === to.host && x.hostname === hostname);
    if (endpoint === undefined) {
      endpoint = {
        address: to.host,
        ...(hostname === undefined ? {} : { hostname }),
        zone: e.zone ?? site.zone,
        ready: site.ready(e),
        serving: site.serving(e),
        ports: [],
      };
      list.push(endpoint);
    } else {
      // Ready while every port of the Pod is: a kube-proxy rule per port cannot retry elsewhere.
      endpoint.ready &&= site.ready(e);
      endpoint.serving &&= site.serving(e);
    }
    if (!endpoint.ports.some((p) => p.port === e.port))
      endpoint.ports.push({ port: e.port, targetPort: to.port });
    out.set(key, list);
  }
  return out;
}

/** The advertised services with their direct endpoints attached (a service with none gets no field). */
export function withDirectEndpoints<S extends { name: string; namespace: string }>(
  services: readonly S[],
  direct: ReadonlyMap<string, DirectEndpoint[]>,
): Array<S & { direct?: DirectEndpoint[] }> {
  return services.map((s) => {
    const list = direct.get(`${s.name}.${s.namespace}`);
    return list === undefined ? s : { ...s, direct: list };
  });
}
