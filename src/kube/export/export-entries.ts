import { ExportConfig } from '../../config/index.js';
import { exportTypeOf, type Condition as McsCondition, type KubeServiceType } from '../../mcs/index.js';
import type { EndpointSlice, EndpointSliceEndpoint, Service, ServiceExport, ServicePortSpec } from '../client/kube-objects.js';
import { globalAnnotations, globalSettingsOf } from './global-annotations.js';

/** What one ServiceExport becomes among the site's exports, and whether it is valid at all. */
export interface ExportPlan {
  valid: McsCondition;
  entries: ExportConfig[];
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';

/**
 * Maps a ServiceExport, its Service and the Service's EndpointSlices to export entries: one per
 * TCP service port and endpoint address, with the endpoint's readiness and zone. A Service with no
 * endpoints still gets one not-ready entry per port, so the export (and so every cluster's
 * ServiceImport) exists while the ServiceExport does, as KEP-1645 asks.
 */
export function planExport(exp: ServiceExport, service: Service | undefined, slices: readonly EndpointSlice[]): ExportPlan {
  const where = `${exp.metadata.namespace ?? ''}/${exp.metadata.name}`;
  if (service === undefined) return invalid('NoService', `Service ${where} does not exist.`);
  const type = exportTypeOf((service.spec?.type ?? 'ClusterIP') as KubeServiceType, service.spec?.clusterIP);
  if (!type.ok) return { valid: type.condition, entries: [] };
  const tcpPorts = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (tcpPorts.length === 0) return invalid('UnsupportedProtocol', 'Service has no TCP port; only TCP is carried across clusters.');
  const headless = type.type === 'Headless';
  const common = serviceProperties(exp, service);
  const entries: ExportConfig[] = [];
  const seen = new Set<string>();
  for (const port of tcpPorts) {
    const targets = endpointTargets(port, slices);
    if (targets.length === 0) targets.push({ to: `0.0.0.0:${port.port}`, ready: false });
    for (const target of targets) {
      const key = `${port.port}/${target.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push(
        ExportConfig.parse({
          name: exp.metadata.name,
          namespace: exp.metadata.namespace,
          port: port.port,
          to: target.to,
          ...(headless ? { headless: true, ...(target.hostname === undefined ? {} : { hostname: target.hostname }) } : {}),
          // Kubernetes readiness already decides which endpoints serve; the router does not probe them again.
          health: { type: 'none' },
          ...(target.ready ? {} : { ready: false }),
          ...(target.zone === undefined ? {} : { zone: target.zone }),
          ...common,
        }),
      );
    }
  }
  return { valid: type.condition, entries };
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
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === 'TCP');
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      for (const address of endpoint.addresses) out.push(targetOf(address, slicePort.port, endpoint, slice.addressType));
    }
  }
  return out;
}

function targetOf(address: string, port: number, endpoint: EndpointSliceEndpoint, family: 'IPv4' | 'IPv6'): Target {
  const zone = endpoint.zone ?? endpoint.deprecatedTopology?.[ZONE_LABEL];
  return {
    to: family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`,
    // Kubernetes: an unset ready condition means ready (unknown is treated as ready).
    ready: endpoint.conditions?.ready !== false,
    // The DNS spec's "unique system-assigned id" when the endpoint has no hostname of its own.
    hostname: endpoint.hostname ?? address.toLowerCase().replace(/[.:]/g, '-').replace(/^-+|-+$/g, ''),
    ...(zone === undefined ? {} : { zone }),
  };
}

/** Whole-service MCS properties taken from the Service and ServiceExport (never from their metadata, KEP §Exporting). */
function serviceProperties(exp: ServiceExport, service: Service): Partial<ExportConfig> {
  const created = Date.parse(exp.metadata.creationTimestamp ?? '');
  const spec = service.spec ?? {};
  const annotations = { ...(exp.spec?.exportedAnnotations ?? {}), ...globalAnnotations(globalSettingsOf(service.metadata.annotations)) };
  const out: Partial<ExportConfig> = { exportedAt: Number.isFinite(created) ? created : Date.now() };
  if (spec.sessionAffinity === 'ClientIP') {
    out.sessionAffinity = 'ClientIP';
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout !== undefined) out.sessionAffinityTimeoutSeconds = timeout;
  }
  if (spec.trafficDistribution !== undefined) out.trafficDistribution = spec.trafficDistribution;
  if (exp.spec?.exportedLabels !== undefined && Object.keys(exp.spec.exportedLabels).length > 0) out.exportedLabels = { ...exp.spec.exportedLabels };
  if (Object.keys(annotations).length > 0) out.exportedAnnotations = annotations;
  return out;
}

function invalid(reason: string, message: string): ExportPlan {
  return { valid: { type: 'Valid', status: 'False', reason, message }, entries: [] };
}
