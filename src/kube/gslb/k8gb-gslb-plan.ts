import type { GslbRecordInput, Strategy } from '../../gslb/index.js';
import type { Ingress, IngressSpec, K8gbGslb } from '../client/kube-objects.js';
import type { PlanContext } from './global-record-plan.js';
import { nameInZone, type CandidateSite, type RecordCandidate } from './record-candidate.js';
import { ingressAddress } from './target-address.js';

/**
 * The other sites' addresses of a k8gb Gslb, `us=198.51.100.10,ap=203.0.113.10`: k8gb learns them
 * from its peers' DNS; here each cluster publishes its own and this annotation names the rest.
 */
export const K8GB_TARGETS_ANNOTATION = 'causeway.io/gslb-targets';

export interface K8gbContext extends PlanContext {
  ingress(namespace: string, name: string): Ingress | undefined;
}

/**
 * A k8gb `Gslb` (k8gb.io/v1beta1) as one record per Ingress host, so its users move over without
 * editing it: roundRobin → all-healthy (weighted when `weight` is set), failover → failover with
 * `primaryGeoTag` first, geoip → geo; `dnsTtlSeconds` is the TTL. A geo tag is a site id.
 */
export function planK8gbGslb(object: K8gbGslb, ctx: K8gbContext): RecordCandidate[] {
  const namespace = object.metadata.namespace ?? '';
  const owner = {
    kind: 'Gslb' as const,
    namespace,
    name: object.metadata.name,
    createdAt: object.metadata.creationTimestamp ?? '',
  };
  const spec = object.spec ?? {};
  const strategy = strategyOf(spec.strategy?.type, spec.strategy?.weight);
  const ingress = ingressOf(object, ctx);
  const invalid = (message: string): RecordCandidate[] => [
    { owner, sites: [], problem: { reason: 'InvalidSpec', message } },
  ];
  if (strategy === undefined)
    return invalid(
      `spec.strategy.type ${spec.strategy?.type ?? '(none)'} is not roundRobin, failover or geoip`,
    );
  if (ingress.spec === undefined)
    return invalid(
      spec.resourceRef === undefined
        ? 'neither spec.ingress nor spec.resourceRef is set'
        : `spec.resourceRef: Ingress ${spec.resourceRef.namespace ?? namespace}/${spec.resourceRef.name ?? ''} is not in this cluster`,
    );
  const backend = backendService(ingress.spec);
  if (backend === undefined) return invalid('the Ingress names no backend Service');
  const sites = siteList(object, ctx, ingressAddress(ingress.object));
  const hosts = [
    ...new Set(
      arrayOf(ingress.spec.rules).flatMap((r) => (typeof r?.host === 'string' ? [r.host] : [])),
    ),
  ];
  if (hosts.length === 0) return invalid('the Ingress has no rule with a host');
  const service = `${namespace}/${backend}`;
  const targets = sites.flatMap((s) =>
    s.address === undefined
      ? []
      : [{ site: s.site, address: s.address, weight: spec.strategy?.weight?.[s.site] ?? 1 }],
  );
  return hosts.map((host): RecordCandidate => {
    const name = nameInZone(host, ctx.zone);
    if (name === undefined || host.startsWith('*'))
      return {
        owner,
        sites,
        problem: {
          reason: 'ZoneMismatch',
          message: `host ${host} is outside the GSLB zone ${ctx.zone}`,
        },
      };
    const record: GslbRecordInput = {
      name,
      service,
      strategy,
      targets,
      ...(spec.strategy?.dnsTtlSeconds === undefined ? {} : { ttl: spec.strategy.dnsTtlSeconds }),
    };
    return { owner, name, service, sites, record };
  });
}

function strategyOf(
  type: string | undefined,
  weight: Record<string, number> | undefined,
): Strategy | undefined {
  switch (type) {
    case 'roundRobin':
      return weight !== undefined && Object.keys(weight).length > 0 ? 'weighted' : 'all-healthy';
    case 'failover':
      return 'failover';
    case 'geoip':
      return 'geo';
    default:
      return undefined;
  }
}

/** The embedded Ingress spec (k8gb makes an Ingress of the Gslb's name from it) or the referenced one. */
function ingressOf(object: K8gbGslb, ctx: K8gbContext): { spec?: IngressSpec; object?: Ingress } {
  const namespace = object.metadata.namespace ?? '';
  const ref = object.spec?.resourceRef;
  if (object.spec?.ingress !== undefined) {
    const made = ctx.ingress(namespace, object.metadata.name);
    return { spec: object.spec.ingress, ...(made === undefined ? {} : { object: made }) };
  }
  if (ref?.name === undefined || (ref.kind !== undefined && ref.kind !== 'Ingress')) return {};
  const found = ctx.ingress(ref.namespace ?? namespace, ref.name);
  return found?.spec === undefined ? {} : { spec: found.spec, object: found };
}

function backendService(spec: IngressSpec): string | undefined {
  for (const rule of arrayOf(spec.rules))
    for (const path of arrayOf(rule?.http?.paths))
      if (typeof path?.backend?.service?.name === 'string') return path.backend.service.name;
  return spec.defaultBackend?.service?.name ?? spec.backend?.service?.name;
}

/**
 * The sites in failover order: the primary geo tag, then this site, then the rest by name (the
 * same order in every cluster whatever its own site). This site's address is its Ingress's.
 */
function siteList(
  object: K8gbGslb,
  ctx: K8gbContext,
  localAddress: string | undefined,
): CandidateSite[] {
  const given = parseTargets(object.metadata.annotations?.[K8GB_TARGETS_ANNOTATION]);
  const primary = object.spec?.strategy?.primaryGeoTag;
  const names = new Set<string>([
    ...(primary === undefined ? [] : [primary]),
    ...[ctx.siteId, ...Object.keys(object.spec?.strategy?.weight ?? {}), ...given.keys()].sort(),
  ]);
  return [...names].map((site): CandidateSite => {
    const address = site === ctx.siteId ? (localAddress ?? given.get(site)) : given.get(site);
    if (address !== undefined) return { site, address };
    return {
      site,
      missing:
        site === ctx.siteId
          ? 'the Ingress publishes no IP address yet'
          : `no address: add ${site}=<ip> to the ${K8GB_TARGETS_ANNOTATION} annotation`,
    };
  });
}

/** The array a field should hold; an object written before a schema change may hold anything. */
function arrayOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** `us=198.51.100.10, ap=203.0.113.10` → site → address (malformed pairs are ignored). */
export function parseTargets(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (text ?? '').split(',')) {
    const [site, address] = pair.split('=').map((s) => s.trim());
    if (site && address) out.set(site, address);
  }
  return out;
}
