import type { ExportConfig } from '../config/index.js';
import type { AdvertService } from '../routing/index.js';
import { HTTP_APP_PROTOCOL, writePolicyAnnotations } from './write-policy.js';

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
export function advertServices(
  exports: readonly ExportConfig[],
  site: AdvertSite,
): AdvertService[] {
  const byKey = new Map<string, AdvertService>();
  for (const e of exports) {
    const key = `${e.name}.${e.namespace}`;
    const s: AdvertService = byKey.get(key) ?? {
      name: e.name,
      namespace: e.namespace,
      type: 'ClusterSetIP',
      // Listed so the clusterset's ports are the Service's; importers open listeners for TCP and UDP ports.
      ports: (e.uncarriedPorts ?? []).map(listedPort),
      exportedAt: e.exportedAt ?? site.epoch,
      sessionAffinity: e.sessionAffinity ?? 'None',
      ...serviceProperties(e),
      endpoints: [],
    };
    const carried = carriedPort(e);
    if (!s.ports.some((p) => p.port === e.port && p.protocol === carried.protocol))
      s.ports.push(carried);
    const writes = writePolicyAnnotations(e);
    if (Object.keys(writes).length > 0)
      s.exportedAnnotations = { ...s.exportedAnnotations, ...writes };
    // Backend addresses stay private: a headless endpoint is advertised by hostname only, and each
    // importing site gives it an address of its own.
    if (e.headless === true) s.type = 'Headless';
    const hostname = e.headless === true ? e.hostname : undefined;
    // An endpoint is ready while any of its ports' backends passes its checks; a flow to a
    // dead port is retried elsewhere by the importing site.
    const ready = site.ready(e);
    const existing = s.endpoints.find((x) => x.hostname === hostname);
    if (existing === undefined)
      s.endpoints.push({
        addresses: [],
        zone: e.zone ?? site.zone,
        ready,
        ...(hostname === undefined ? {} : { hostname }),
      });
    else existing.ready ||= ready;
    s.exportedAt = Math.min(s.exportedAt, e.exportedAt ?? site.epoch);
    byKey.set(key, s);
  }
  return [...byKey.values()];
}

type AdvertPort = AdvertService['ports'][number];

/**
 * The TCP or UDP port of an entry, under its Service port's name. Without one it is named
 * `tcp-<port>`, `udp-<port>` or `http-<port>`, so several ports of a plain site's service survive the MCS merge (names must be
 * unique, empty included); '' is a Kubernetes port without a name. HTTP stays TCP on the wire;
 * `appProtocol: http` (as on a Kubernetes port) tells importers to parse it.
 */
function carriedPort(e: ExportConfig): AdvertPort {
  const http = e.protocol === HTTP_APP_PROTOCOL;
  const udp = e.protocol === 'UDP';
  const name = e.portName ?? `${http ? 'http' : udp ? 'udp' : 'tcp'}-${e.port}`;
  return listedPort({
    name,
    port: e.port,
    protocol: udp ? 'UDP' : 'TCP',
    appProtocol: http ? HTTP_APP_PROTOCOL : e.appProtocol,
  });
}

/** A port as adverts carry it: an empty name or appProtocol is left out. */
function listedPort(p: {
  name?: string | undefined;
  port: number;
  protocol: AdvertPort['protocol'];
  appProtocol?: string | undefined;
}): AdvertPort {
  return {
    ...(p.name === undefined || p.name === '' ? {} : { name: p.name }),
    port: p.port,
    protocol: p.protocol,
    ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
  };
}

/** The optional whole-service MCS properties an export entry carries into the advert. */
function serviceProperties(e: ExportConfig): Partial<AdvertService> {
  const out: Partial<AdvertService> = {};
  if (e.sessionAffinityTimeoutSeconds !== undefined)
    out.sessionAffinityTimeoutSeconds = e.sessionAffinityTimeoutSeconds;
  if (e.internalTrafficPolicy !== undefined) out.internalTrafficPolicy = e.internalTrafficPolicy;
  if (e.trafficDistribution !== undefined) out.trafficDistribution = e.trafficDistribution;
  if (e.exportedLabels !== undefined) out.exportedLabels = { ...e.exportedLabels };
  if (e.exportedAnnotations !== undefined) out.exportedAnnotations = { ...e.exportedAnnotations };
  return out;
}
