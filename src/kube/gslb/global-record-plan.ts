import { isIP } from 'node:net';
import type { GslbRecordInput } from '../../gslb/index.js';
import type { GlobalRecord, TargetSource } from '../client/kube-objects.js';
import { nameInZone, type CandidateSite, type RecordCandidate } from './record-candidate.js';

/** What planning a record reads from this cluster: its site, the GSLB zone, published addresses. */
export interface PlanContext {
  siteId: string;
  zone: string;
  /** The address `source` in `namespace` publishes in this cluster, if any. */
  discover(namespace: string, source: TargetSource): string | undefined;
}

/** A GlobalRecord as the record `gslb set` would write, or the problem with its spec. */
export function planGlobalRecord(object: GlobalRecord, ctx: PlanContext): RecordCandidate {
  const namespace = object.metadata.namespace ?? '';
  const owner = {
    kind: 'GlobalRecord' as const,
    namespace,
    name: object.metadata.name,
    createdAt: object.metadata.creationTimestamp ?? '',
  };
  const spec = object.spec ?? {};
  // The API server checks the schema, but an object written before a schema change is not re-checked.
  const given = Array.isArray(spec.targets)
    ? spec.targets.filter((t) => typeof t?.site === 'string')
    : [];
  const sites = given.map((t) => targetSite(t, namespace, ctx));
  const invalid = (message: string): RecordCandidate => ({
    owner,
    sites,
    problem: { reason: 'InvalidSpec', message },
  });
  if (spec.zone !== undefined && nameInZone(String(spec.zone), ctx.zone) !== ctx.zone)
    return {
      owner,
      sites,
      problem: {
        reason: 'ZoneMismatch',
        message: `spec.zone ${spec.zone} is not the GSLB zone ${ctx.zone}; remove spec.zone or serve that zone`,
      },
    };
  const name = nameInZone(String(spec.name ?? ''), ctx.zone);
  if (name === undefined)
    return {
      owner,
      sites,
      problem: {
        reason: 'ZoneMismatch',
        message: `spec.name ${spec.name ?? ''} is outside the GSLB zone ${ctx.zone}; use a name ending in .${ctx.zone}`,
      },
    };
  const service = qualifiedService(String(spec.service ?? ''), namespace);
  if (service === undefined)
    return invalid(`spec.service ${spec.service ?? ''} must be name or namespace/name`);
  const bad = sites.find((s) => s.address !== undefined && isIP(s.address) === 0);
  if (bad !== undefined)
    return invalid(`spec.targets: ${bad.site} has address ${bad.address}, not an IP address`);
  const targets = given.flatMap((t, i) => {
    const address = sites[i]?.address;
    if (address === undefined) return [];
    return [
      {
        site: t.site,
        address,
        ...(t.weight === undefined ? {} : { weight: t.weight }),
        ...(t.region === undefined ? {} : { region: t.region }),
      },
    ];
  });
  const record: GslbRecordInput = {
    name,
    service,
    targets,
    ...(spec.strategy?.type === undefined
      ? {}
      : { strategy: spec.strategy.type as GslbRecordInput['strategy'] }),
    ...(spec.strategy?.holdDownSeconds === undefined
      ? {}
      : { holdDownSeconds: spec.strategy.holdDownSeconds }),
    ...(spec.strategy?.maxAnswers === undefined ? {} : { maxAnswers: spec.strategy.maxAnswers }),
    ...(spec.ttlSeconds === undefined ? {} : { ttl: spec.ttlSeconds }),
    ...(typeof spec.writerLease === 'string' ? { writerLease: spec.writerLease } : {}),
    ...(spec.noHealthy === undefined
      ? {}
      : { noHealthy: spec.noHealthy as GslbRecordInput['noHealthy'] }),
  };
  return { owner, name, service, sites, record };
}

/**
 * A target's address: the one given, else the one its source publishes, which only the site's own
 * cluster can read; another site's discovered address is set in that site's cluster.
 */
function targetSite(
  target: { site: string; address?: string; from?: TargetSource },
  namespace: string,
  ctx: PlanContext,
): CandidateSite {
  if (target.address !== undefined) return { site: target.site, address: target.address };
  if (target.from === undefined)
    return { site: target.site, missing: 'neither address nor from is set' };
  if (target.site !== ctx.siteId)
    return {
      site: target.site,
      missing: `${target.from.kind} ${target.from.name} is read in site ${target.site}'s own cluster; set address here`,
    };
  const address = ctx.discover(namespace, target.from);
  return address === undefined
    ? {
        site: target.site,
        missing: `${target.from.kind} ${namespace}/${target.from.name} publishes no IP address yet`,
      }
    : { site: target.site, address };
}

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** `web` in namespace `shop` is `shop/web`; `shop/web` stays; anything else is invalid. */
export function qualifiedService(service: string, namespace: string): string | undefined {
  const full = service.includes('/') ? service : `${namespace}/${service}`;
  return new RegExp(`^${LABEL}/${LABEL}$`).test(full) ? full : undefined;
}
