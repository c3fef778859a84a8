import type { ExportConfig } from '../config/index.js';
import type { AdvertService } from '../routing/index.js';
import { HTTP_APP_PROTOCOL, writePolicyAnnotations } from '../services/index.js';

/** What the site adds to its export entries when it advertises them. */
export interface AdvertSite {
  /** The router's start time: the export time of entries that carry none. */
  epoch: number;
  /** The site's zone: the zone of endpoints that name none. */
  zone: string;
  /** Whether an entry's backend is advertised ready (platform readiness, checks, draining). */
  ready(entry: ExportConfig): boolean;
}

/** The services a site advertises: its export entries grouped by name+namespace, one endpoint per backend. */
export function advertServices(exports: readonly ExportConfig[], site: AdvertSite): AdvertService[] {
  const byKey = new Map<string, AdvertService>();
  for (const e of exports) {
    const key = `${e.name}.${e.namespace}`;
    const s: AdvertService = byKey.get(key) ?? {
      name: e.name,
      namespace: e.namespace,
      type: 'ClusterSetIP',
      ports: [],
      exportedAt: e.exportedAt ?? site.epoch,
      sessionAffinity: e.sessionAffinity ?? 'None',
      ...serviceProperties(e),
      endpoints: [],
    };
    // Named, so several ports of one service survive the MCS merge (names must be unique, empty included).
    // HTTP stays TCP on the wire; `appProtocol` (as on a Kubernetes port) tells importers to parse it.
    if (!s.ports.some((p) => p.port === e.port)) {
      s.ports.push(e.protocol === 'http' ? { name: `http-${e.port}`, port: e.port, protocol: 'TCP', appProtocol: HTTP_APP_PROTOCOL } : { name: `tcp-${e.port}`, port: e.port, protocol: 'TCP' });
    }
    const writes = writePolicyAnnotations(e);
    if (Object.keys(writes).length > 0) s.exportedAnnotations = { ...s.exportedAnnotations, ...writes };
    // Backend addresses stay private: a headless endpoint is advertised by hostname only, and each
    // importing site gives it an address of its own.
    if (e.headless === true) s.type = 'Headless';
    const hostname = e.headless === true ? e.hostname : undefined;
    // An endpoint is ready while any of its ports' backends passes its checks; a flow to a
    // dead port is retried elsewhere by the importing site.
    const ready = site.ready(e);
    const existing = s.endpoints.find((x) => x.hostname === hostname);
    if (existing === undefined) s.endpoints.push({ addresses: [], zone: e.zone ?? site.zone, ready, ...(hostname === undefined ? {} : { hostname }) });
    else existing.ready ||= ready;
    s.exportedAt = Math.min(s.exportedAt, e.exportedAt ?? site.epoch);
    byKey.set(key, s);
  }
  return [...byKey.values()];
}

/** The optional whole-service MCS properties an export entry carries into the advert. */
function serviceProperties(e: ExportConfig): Partial<AdvertService> {
  const out: Partial<AdvertService> = {};
  if (e.sessionAffinityTimeoutSeconds !== undefined) out.sessionAffinityTimeoutSeconds = e.sessionAffinityTimeoutSeconds;
  if (e.trafficDistribution !== undefined) out.trafficDistribution = e.trafficDistribution;
  if (e.exportedLabels !== undefined) out.exportedLabels = { ...e.exportedLabels };
  if (e.exportedAnnotations !== undefined) out.exportedAnnotations = { ...e.exportedAnnotations };
  return out;
}
