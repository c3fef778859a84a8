import type { FlowCounts } from '../observability/index.js';
import { serviceKey } from '../services/index.js';
import type { Router } from './router.js';

/** `causeway status` as data: the same object is printed as text or JSON. */
export interface StatusReport {
  site: { id: string; zone: string; region: string; trustDomain: string };
  pid: number;
  startedAt: string;
  linkAddress: string;
  links: Array<{ peer: string; state: string; direction: 'outbound' | 'inbound'; cost: number; rttMs: number | null; connections: number; flows: number; zone: string; region: string; since: string; lastError: string | null }>;
  exports: Array<{ name: string; namespace: string; port: number; to: string; flows: FlowCounts }>;
  imports: Array<{ name: string; namespace: string; listen: string; port: number | null; exporters: string[]; flows: FlowCounts }>;
}

export function buildStatus(router: Router): StatusReport {
  const config = router.siteConfig;
  const exporters = router.directory.exporters();
  return {
    site: { ...config.site },
    pid: process.pid,
    startedAt: new Date(router.epoch).toISOString(),
    linkAddress: `${router.linkAddress.host}:${router.linkAddress.port}`,
    links: [...router.mesh.peers.values()]
      .sort((a, b) => a.peer.localeCompare(b.peer))
      .map((l) => ({
        peer: l.peer,
        state: l.state,
        direction: l.dialed ? 'outbound' : 'inbound',
        cost: l.cost,
        rttMs: l.rttMs === undefined ? null : Math.round(l.rttMs * 1000) / 1000,
        connections: l.sessionCount,
        flows: l.flowCount,
        zone: l.zone,
        region: l.region,
        since: new Date(l.since).toISOString(),
        lastError: l.lastError ?? null,
      })),
    exports: config.exports.map((e) => ({ name: e.name, namespace: e.namespace, port: e.port, to: e.to, flows: router.stats.get('egress', serviceKey(e.name, e.namespace)) })),
    imports: router.ingress.addresses().map(({ config: i, address }) => ({
      name: i.name,
      namespace: i.namespace,
      listen: `${address.host}:${address.port}`,
      port: i.port ?? router.directory.ports(i.name, i.namespace)[0] ?? null,
      exporters: exporters.get(serviceKey(i.name, i.namespace)) ?? [],
      flows: router.stats.get('ingress', serviceKey(i.name, i.namespace)),
    })),
  };
}
