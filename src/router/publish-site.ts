import { ownLinkEndpoints } from '../link/index.js';
import { admittedSites } from '../policy/index.js';
import {
  advertServices,
  directEndpoints,
  withAccessAnnotations,
  withDirectEndpoints,
} from '../services/index.js';
import type { NetworkConfig } from '../config/index.js';
import type { AdvertNetwork } from '../routing/index.js';
import type { SiteParts } from './site-parts.js';
import { siteNamespaces } from './site-state.js';

/** Re-announces this site when its links or exports changed; floods to every live peer. */
export function publishSite(p: SiteParts): void {
  const { config, linkAddress } = p.state;
  p.adverts.publish({
    zone: config.site.zone,
    region: config.site.region,
    namespaces: siteNamespaces(config),
    links: [...p.mesh.peers.values()]
      .filter((l) => l.state === 'up')
      .map((l) => ({ peer: l.peer, cost: l.cost }))
      .sort((a, b) => a.peer.localeCompare(b.peer)),
    services: withAccessAnnotations(
      withDirectEndpoints(
        advertServices(config.exports, {
          epoch: p.epoch,
          zone: config.site.zone,
          ready: (e) => p.readiness.isReady(e),
        }),
        directEndpoints(config.exports, {
          network: config.network,
          zone: config.site.zone,
          ready: (e) => p.readiness.isReady(e),
          serving: (e) => p.readiness.isServing(e),
        }),
      ),
      (name, namespace) =>
        admittedSites(
          config.access.find((a) => a.service === name && a.namespace === namespace)?.allow,
        ),
    ),
    ...advertNetwork(config.network),
    endpoints: ownLinkEndpoints(config.link.advertise, linkAddress),
  });
}

/**
 * The network part of the advert, only for a site that declares one: a router of an earlier
 * version refuses an advert with fields it does not know, so a site that plans nothing says nothing.
 */
function advertNetwork(n: NetworkConfig): { network?: AdvertNetwork } {
  if (!n.routable && n.pods.length + n.services.length + n.nodes.length === 0) return {};
  return {
    network: {
      pods: n.pods,
      services: n.services,
      nodes: n.nodes,
      routable: n.routable,
      domain: n.domain,
    },
  };
}
