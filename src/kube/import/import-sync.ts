import type { ServiceView } from '../../api/index.js';
import type {
  EndpointSlice,
  OwnerReference,
  Service,
  ServiceImport,
} from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { Resources, apiVersionOf, objectPath, serviceImports } from '../client/resources.js';
import type { ResourceInformer } from '../watch/resource-informer.js';
import { derivedServiceName, globalSliceName } from './derived-names.js';
import { desiredGlobalSlice } from './global-slice.js';
import {
  GLOBAL_SLICE_LABEL,
  ImportLabel,
  MANAGED_BY_CONTROLLER,
  SITE_TARGET_OF_LABEL,
} from './import-labels.js';
import {
  desiredDerivedService,
  desiredImportSlices,
  desiredServiceImport,
  desiredSiteTargets,
  importStatus,
  upToDate,
  type ImportNames,
  type SiteTarget,
} from './import-objects.js';

/** What the import reconciler reads (informer caches, the router's view) and writes through. */
export interface ImportContext {
  rest: KubeRest;
  siteId: string;
  mcsVersion: string;
  view(namespace: string, name: string): ServiceView | undefined;
  namespaceExists(namespace: string): boolean;
  serviceImports: ResourceInformer<ServiceImport>;
  services: ResourceInformer<Service>;
  slices: ResourceInformer<EndpointSlice>;
  /**
   * True while the router has not re-learned the clusterset since it started: a service it does
   * not know yet may only be not yet heard of, so nothing is removed (its objects, and with them
   * the derived Service's ClusterIP, stay as they are).
   */
  holdRemovals: boolean;
}

/**
 * Converges one clusterset service's objects in this cluster: ServiceImport, derived Service,
 * EndpointSlices — or their absence, when the service is not exported anywhere any more or its
 * namespace does not exist here. Objects are deleted explicitly, not left to the garbage
 * collector, so they go within seconds even on control planes without one.
 */
export async function reconcileImport(
  ctx: ImportContext,
  namespace: string,
  name: string,
): Promise<void> {
  const view = ctx.view(namespace, name);
  const names: ImportNames = {
    namespace,
    name,
    derivedName: derivedServiceName(namespace, name),
    clusterId: ctx.siteId,
  };
  const wanted = view !== undefined && view.importedHere && ctx.namespaceExists(namespace);
  if (!wanted) return ctx.holdRemovals ? undefined : removeImport(ctx, names);
  // A virtual IP not assigned yet comes with the router's next snapshot: keep what is there.
  if (view.type !== 'Headless' && view.vip === null) return;
  const resource = serviceImports(ctx.mcsVersion);
  const siPath = objectPath(resource, name, namespace);
  let derived = ctx.services.get(names.derivedName, namespace);
  const headless = view.type === 'Headless';
  if (derived !== undefined && (derived.spec?.clusterIP === 'None') !== headless) {
    // ClusterIP is immutable: a service that changed type gets a new derived Service.
    await ctx.rest.remove(objectPath(Resources.services, names.derivedName, namespace));
    derived = undefined;
  }
  let si = await applyIfChanged(
    ctx,
    siPath,
    ctx.serviceImports.get(name, namespace),
    desiredServiceImport(view, names, apiVersionOf(resource), clusterIps(derived)),
  );
  const owner: OwnerReference = {
    apiVersion: apiVersionOf(resource),
    kind: 'ServiceImport',
    name,
    uid: si.metadata.uid ?? '',
    controller: true,
  };
  derived = await applyIfChanged(
    ctx,
    objectPath(Resources.services, names.derivedName, namespace),
    derived,
    desiredDerivedService(view, names, owner),
  );
  const withIps = desiredServiceImport(view, names, apiVersionOf(resource), clusterIps(derived));
  si = await applyIfChanged(ctx, siPath, si, withIps);
  const status = importStatus(view);
  if (JSON.stringify(si.status?.clusters ?? []) !== JSON.stringify(status.clusters))
    await ctx.rest.mergePatch(`${siPath}/status`, { status });
  const targets = await syncSiteTargets(ctx, names, desiredSiteTargets(view, names, owner));
  const endpointIp = (site: string, hostname: string): string | undefined =>
    clusterIps(targets.get(`${site}/${hostname}`))[0];
  await syncSlices(ctx, names, desiredImportSlices(view, names, owner, endpointIp));
}

/** The site-targeted Services and slices of one import: exactly the desired ones. */
async function syncSiteTargets(
  ctx: ImportContext,
  names: ImportNames,
  desired: SiteTarget[],
): Promise<Map<string, Service>> {
  const wanted = new Set(desired.map((t) => t.service.metadata.name));
  const live = new Map<string, Service>();
  for (const { site, hostname, service, slice } of desired) {
    const applied = await applyIfChanged(
      ctx,
      objectPath(Resources.services, service.metadata.name, names.namespace),
      ctx.services.get(service.metadata.name, names.namespace),
      service,
    );
    live.set(hostname === undefined ? site : `${site}/${hostname}`, applied);
    await applyIfChanged(
      ctx,
      objectPath(Resources.endpointSlices, slice.metadata.name, names.namespace),
      ctx.slices.get(slice.metadata.name, names.namespace),
      slice,
    );
  }
  for (const slice of siteTargetObjects(ctx.slices.list(names.namespace), names)) {
    if (!wanted.has(slice.metadata.labels?.[ImportLabel.kubeServiceName] ?? ''))
      await ctx.rest.remove(
        objectPath(Resources.endpointSlices, slice.metadata.name, names.namespace),
      );
  }
  for (const service of siteTargetObjects(ctx.services.list(names.namespace), names)) {
    if (!wanted.has(service.metadata.name))
      await ctx.rest.remove(objectPath(Resources.services, service.metadata.name, names.namespace));
  }
  return live;
}

function siteTargetObjects<T extends Service | EndpointSlice>(
  objects: readonly T[],
  names: ImportNames,
): T[] {
  return objects.filter(
    (o) =>
      o.metadata.labels?.[SITE_TARGET_OF_LABEL] === names.name &&
      o.metadata.labels[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER,
  );
}

/** The global-service slice on the ordinary Service `namespace/name`: present exactly when wanted. */
export async function reconcileGlobal(
  ctx: ImportContext,
  namespace: string,
  name: string,
): Promise<void> {
  const desired = ctx.namespaceExists(namespace)
    ? desiredGlobalSlice(ctx.view(namespace, name), ctx.services.get(name, namespace), ctx.siteId)
    : undefined;
  const sliceName = globalSliceName(name);
  const live = ctx.slices.get(sliceName, namespace);
  const path = objectPath(Resources.endpointSlices, sliceName, namespace);
  if (desired === undefined) {
    if (ctx.holdRemovals) return;
    if (live?.metadata.labels?.[GLOBAL_SLICE_LABEL] === 'true') await ctx.rest.remove(path);
    return;
  }
  await applyIfChanged(ctx, path, live, desired);
}

async function removeImport(ctx: ImportContext, names: ImportNames): Promise<void> {
  await syncSiteTargets(ctx, names, []);
  for (const slice of importSlices(ctx, names))
    await ctx.rest.remove(
      objectPath(Resources.endpointSlices, slice.metadata.name, names.namespace),
    );
  if (ctx.services.get(names.derivedName, names.namespace) !== undefined)
    await ctx.rest.remove(objectPath(Resources.services, names.derivedName, names.namespace));
  if (ctx.serviceImports.get(names.name, names.namespace) !== undefined)
    await ctx.rest.remove(objectPath(serviceImports(ctx.mcsVersion), names.name, names.namespace));
}

async function syncSlices(
  ctx: ImportContext,
  names: ImportNames,
  desired: EndpointSlice[],
): Promise<void> {
  const wanted = new Set(desired.map((s) => s.metadata.name));
  for (const slice of desired)
    await applyIfChanged(
      ctx,
      objectPath(Resources.endpointSlices, slice.metadata.name, names.namespace),
      ctx.slices.get(slice.metadata.name, names.namespace),
      slice,
    );
  for (const slice of importSlices(ctx, names)) {
    if (!wanted.has(slice.metadata.name))
      await ctx.rest.remove(
        objectPath(Resources.endpointSlices, slice.metadata.name, names.namespace),
      );
  }
}

/** This controller's import slices of one service (global-service slices are another reconciler's). */
function importSlices(ctx: ImportContext, names: ImportNames): EndpointSlice[] {
  return ctx.slices.list(names.namespace).filter((s) => {
    const labels = s.metadata.labels ?? {};
    return (
      labels[ImportLabel.serviceName] === names.name &&
      labels[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER &&
      labels[GLOBAL_SLICE_LABEL] !== 'true'
    );
  });
}

async function applyIfChanged<T extends ServiceImport | Service | EndpointSlice>(
  ctx: ImportContext,
  path: string,
  live: T | undefined,
  desired: T,
): Promise<T> {
  if (live !== undefined && upToDate(live, desired)) return live;
  return ctx.rest.apply(path, desired);
}

/** A Service's ClusterIPs as ServiceImport `spec.ips` takes them (at most two, none for headless). */
function clusterIps(service: Service | undefined): string[] {
  const ips =
    service?.spec?.clusterIPs ??
    (service?.spec?.clusterIP === undefined ? [] : [service.spec.clusterIP]);
  return ips.filter((ip) => ip !== 'None' && ip !== '').slice(0, 2);
}
