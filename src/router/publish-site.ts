import { ownLinkEndpoints } from '../link/index.js';
import { admittedSites } from '../policy/index.js';
import { advertServices, withAccessAnnotations } from '../services/index.js';
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
      advertServices(config.exports, {
        epoch: p.epoch,
        zone: config.site.zone,
        ready: (e) => p.readiness.isReady(e),
      }),
      (name, namespace) =>
        admittedSites(
          config.access.find((a) => a.service === name && a.namespace === namespace)?.allow,
        ),
    ),
    endpoints: ownLinkEndpoints(config.link.advertise, linkAddress),
  });
}
