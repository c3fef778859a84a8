import { ExportConfig, type UncarriedPort } from '../../config/index.js';
import { exportTypeOf, type Condition as McsCondition } from '../../mcs/index.js';
import { HTTP_APP_PROTOCOL } from '../../services/index.js';
import type {
  EndpointSlice,
  EndpointSliceEndpoint,
  Service,
  ServiceExport,
  ServicePortSpec,
} from '../client/kube-objects.js';
import { globalAnnotations, globalSettingsOf } from './global-annotations.js';

/** What one ServiceExport becomes among the site's exports, and whether it is valid at all. */
export interface ExportPlan {
  valid: McsCondition;
  entries: ExportConfig[];
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** The longest appProtocol an advert carries; a longer (qualified) name is left out rather than refused. */
const APP_PROTOCOL_MAX = 253;
/** The most ports an advert gives one service; UDP and SCTP ports past it are not listed, rather than the advert refused. */
const ADVERT_PORTS_MAX = 256;

/**
 * Maps a ServiceExport, its Service and the Service's EndpointSlices to export entries: one per
 * TCP or UDP service port and endpoint address, with the endpoint's readiness and zone. A Service
 * with no endpoints still gets one not-ready entry per port, so the export (and so every cluster's
 * ServiceImport) exists while the ServiceExport does, as KEP-1645 asks. SCTP ports are not
 * carried but listed on every entry, so the ServiceImport has all the Service's ports.
 */
export function planExport(
  exp: ServiceExport,
  service: Service | undefined,
  slices: readonly EndpointSlice[],
): ExportPlan {
  const where = `${exp.metadata.namespace ?? ''}/${exp.metadata.name}`;
  if (service === undefined) return invalid('NoService', `Service ${where} does not exist.`);
  const type = exportTypeOf(service.spec?.type ?? 'ClusterIP', service.spec?.clusterIP);
  if (!type.ok) return { valid: type.condition, entries: [] };
  const carried = (service.spec?.ports ?? []).filter((p) => isCarried(p.protocol ?? 'TCP'));
  if (carried.length === 0)
    return invalid(
      'UnsupportedProtocol',
      'Service has no TCP or UDP port; only TCP and UDP are carried across clusters.',
    );
  const headless = type.type === 'Headless';
  const uncarried = uncarriedPorts(service).slice(
    0,
    Math.max(0, ADVERT_PORTS_MAX - carried.length),
  );
  const common = {
    ...serviceProperties(exp, service),
    ...(uncarried.length === 0 ? {} : { uncarriedPorts: uncarried }),
  };
  const entries: ExportConfig[] = [];
  const seen = new Set<string>();
  for (const port of carried) {
    const udp = port.protocol === 'UDP';
    const targets = endpointTargets(port, slices);
    if (targets.length === 0) targets.push({ to: `0.0.0.0:${port.port}`, ready: false });
    for (const target of targets) {
      const key = `${port.port}/${port.protocol ?? 'TCP'}/${target.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push(
        ExportConfig.parse({
          name: exp.metadata.name,
          namespace: exp.metadata.namespace,
          port: port.port,
          portName: port.name ?? '',
          ...(udp ? { protocol: 'UDP' } : {}),
          ...appProtocolOf(port),
          to: target.to,
          ...(headless
            ? {
                headless: true,
                ...(target.hostname === undefined ? {} : { hostname: target.hostname }),
              }
            : {}),
          // Kubernetes readiness already decides which endpoints serve; the router does not probe them again.
          health: { type: 'none' },
          ...(target.ready ? {} : { ready: false }),
          ...(target.zone === undefined ? {} : { zone: target.zone }),
          ...common,
        }),
      );
    }
  }
  return {
    valid:
      uncarried.length === 0
        ? type.condition
        : { ...type.condition, message: `${type.condition.message} ${notCarried(uncarried)}` },
    entries,
  };
}

/** TCP and UDP ports cross clusters; SCTP ports are only listed. */
function isCarried(protocol: string): boolean {
  return protocol === 'TCP' || protocol === 'UDP';
}

/** The Service's SCTP ports, as its ServiceImport lists them. */
function uncarriedPorts(service: Service): UncarriedPort[] {
  return (service.spec?.ports ?? []).flatMap((p) => {
    const protocol = p.protocol ?? 'TCP';
    if (protocol !== 'SCTP') return [];
    return [
      {
        ...(p.name === undefined || p.name === '' ? {} : { name: p.name }),
        port: p.port,
        protocol,
        ...appProtocolOf(p),
      },
    ];
  });
}

/**
 * A port's appProtocol as entries carry it. TCP `http` is left out: in an advert it tells importing
 * routers to parse HTTP/1.1 (`protocol: http` exports), which a Kubernetes port has not asked for.
 */
function appProtocolOf(port: ServicePortSpec): { appProtocol?: string } {
  const value = port.appProtocol;
  if (value === undefined || value === '' || value.length > APP_PROTOCOL_MAX) return {};
  return (port.protocol ?? 'TCP') === 'TCP' && value === HTTP_APP_PROTOCOL
    ? {}
    : { appProtocol: value };
}

/** `42/UDP is listed …`: said in the Valid condition, so no one expects those ports to answer. */
function notCarried(ports: readonly UncarriedPort[]): string {
  const keys = ports.map((p) => `${p.port}/${p.protocol}`);
  const list =
    keys.length === 1 ? keys.join('') : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1) ?? ''}`;
  return `${list} ${keys.length === 1 ? 'is' : 'are'} listed in the ServiceImport but not carried: Causeway carries TCP and UDP.`;
}

interface Target {
  to: string;
  ready: boolean;
  hostname?: string;
  zone?: string;
}

/** Every address of every slice endpoint for one service port, at the port number the slice gives it. */
function endpointTargets(port: ServicePortSpec, slices: readonly EndpointSlice[]): Target[] {
  const out: Target[] = [];
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const slicePort = (slice.ports ?? []).find(
      (p) =>
        (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
    );
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      for (const address of endpoint.addresses)
        out.push(targetOf(address, slicePort.port, endpoint, slice.addressType));
    }
  }
  return out;
}

function targetOf(
  address: string,
  port: number,
  endpoint: EndpointSliceEndpoint,
  family: 'IPv4' | 'IPv6',
): Target {
  const zone = endpoint.zone ?? endpoint.deprecatedTopology?.[ZONE_LABEL];
  return {
    to: family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`,
    // Kubernetes: an unset ready condition means ready (unknown is treated as ready).
    ready: endpoint.conditions?.ready !== false,
    // The DNS spec's "unique system-assigned id" when the endpoint has no hostname of its own.
    hostname:
      endpoint.hostname ??
      address
        .toLowerCase()
        .replace(/[.:]/g, '-')
        .replace(/^-+|-+$/g, ''),
    ...(zone === undefined ? {} : { zone }),
  };
}

/** Whole-service MCS properties taken from the Service and ServiceExport (never from their metadata, KEP §Exporting). */
function serviceProperties(exp: ServiceExport, service: Service): Partial<ExportConfig> {
  const created = Date.parse(exp.metadata.creationTimestamp ?? '');
  const spec = service.spec ?? {};
  const annotations = {
    ...(exp.spec?.exportedAnnotations ?? {}),
    ...globalAnnotations(globalSettingsOf(service.metadata.annotations)),
  };
  const out: Partial<ExportConfig> = {
    exportedAt: Number.isFinite(created) ? created : Date.now(),
  };
  if (spec.sessionAffinity === 'ClientIP') {
    out.sessionAffinity = 'ClientIP';
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout !== undefined) out.sessionAffinityTimeoutSeconds = timeout;
  }
  if (spec.internalTrafficPolicy !== undefined)
    out.internalTrafficPolicy = spec.internalTrafficPolicy;
  if (spec.trafficDistribution !== undefined) out.trafficDistribution = spec.trafficDistribution;
  if (exp.spec?.exportedLabels !== undefined && Object.keys(exp.spec.exportedLabels).length > 0)
    out.exportedLabels = { ...exp.spec.exportedLabels };
  if (Object.keys(annotations).length > 0) out.exportedAnnotations = annotations;
  return out;
}

function invalid(reason: string, message: string): ExportPlan {
  return { valid: { type: 'Valid', status: 'False', reason, message }, entries: [] };
}
