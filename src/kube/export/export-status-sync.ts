import type { ServiceView } from '../../api/index.js';
import type { Service, ServiceExport, EndpointSlice } from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { objectPath, serviceExports } from '../client/resources.js';
import { exportConditions, sameConditions, stampConditions } from './export-conditions.js';
import { planExport } from './export-entries.js';

export interface ExportStatusContext {
  rest: KubeRest;
  siteId: string;
  mcsVersion: string;
  serviceExport(namespace: string, name: string): ServiceExport | undefined;
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, name: string): EndpointSlice[];
  view(namespace: string, name: string): ServiceView | undefined;
}

/** Writes a ServiceExport's Valid/Ready/Conflict conditions when they differ from what it shows. */
export async function reconcileExportStatus(
  ctx: ExportStatusContext,
  namespace: string,
  name: string,
): Promise<void> {
  const exp = ctx.serviceExport(namespace, name);
  if (exp === undefined || exp.metadata.deletionTimestamp !== undefined) return;
  const plan = planExport(exp, ctx.service(namespace, name), ctx.slices(namespace, name));
  const next = stampConditions(
    exp.status?.conditions,
    exportConditions(plan.valid, ctx.view(namespace, name), ctx.siteId),
    new Date().toISOString(),
    exp.metadata.generation,
  );
  if (sameConditions(exp.status?.conditions, next)) return;
  await ctx.rest.mergePatch(
    `${objectPath(serviceExports(ctx.mcsVersion), name, namespace)}/status`,
    { status: { conditions: next } },
  );
}
