import type { ServicesSnapshot } from '../../api/index.js';
import { loadGslbConfig, saveGslbConfig, validateGslbConfig } from '../../gslb/index.js';
import type { Logger } from '../../observability/index.js';
import type { K8gbGslb, Service, TargetSource } from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { objectPath, Resources } from '../client/resources.js';
import { sameConditions, stampConditions } from '../export/export-conditions.js';
import type { ResourceInformer } from '../watch/resource-informer.js';
import { planGlobalRecord, type PlanContext } from './global-record-plan.js';
import type { GslbCaches } from './gslb-caches.js';
import { planGslbRecords, SITE_CONDITION_PREFIX, type OwnerOutcome } from './gslb-records-plan.js';
import { planK8gbGslb } from './k8gb-gslb-plan.js';
import { gatewayAddress, ingressAddress, serviceAddress } from './target-address.js';

/**
 * Writes the records GlobalRecords and k8gb Gslbs ask for into the GSLB file that `gslb serve`
 * answers from (records of `gslb set` are left alone), and each object's status. Level-triggered:
 * every run plans everything from the caches and the router's last snapshot.
 */
export class GlobalRecordSync {
  constructor(
    private readonly rest: KubeRest,
    private readonly caches: GslbCaches,
    private readonly services: ResourceInformer<Service>,
    private readonly file: string,
    private readonly siteId: string,
    private readonly logger: Logger,
  ) {}

  async reconcile(snapshot: ServicesSnapshot): Promise<void> {
    const config = await loadGslbConfig(this.file);
    const ctx = { siteId: this.siteId, zone: config.zone, discover: this.discover };
    const live = <T extends { metadata: { deletionTimestamp?: string } }>(list: readonly T[]) =>
      list.filter((o) => o.metadata.deletionTimestamp === undefined);
    const candidates = [
      ...live(this.caches.globalRecords.list()).map((o) => planGlobalRecord(o, ctx)),
      ...live(this.caches.k8gbGslbs?.list() ?? []).flatMap((o) =>
        planK8gbGslb(o, {
          ...ctx,
          ingress: (ns, name) => this.caches.ingresses.get(name, ns),
        }),
      ),
    ];
    const own = config.records.filter((r) => r.source?.startsWith('kube:') !== true);
    const views = new Map(snapshot.services.map((v) => [`${v.namespace}/${v.name}`, v]));
    const plan = planGslbRecords(candidates, new Set(own.map((r) => r.name)), {
      view: (ns, name) => views.get(`${ns}/${name}`),
      unreachable: new Set(snapshot.unreachable),
    });
    const next = validateGslbConfig({ ...config, records: [...own, ...plan.records] }, this.file);
    if (JSON.stringify(next.records) !== JSON.stringify(config.records)) {
      await saveGslbConfig(this.file, next);
      this.logger.info(
        { file: this.file, records: plan.records.map((r) => r.name) },
        'global records written to the GSLB file',
      );
    }
    for (const outcome of plan.outcomes) await this.writeStatus(outcome);
  }

  private readonly discover: PlanContext['discover'] = (namespace, source: TargetSource) => {
    switch (source.kind) {
      case 'Service':
        return serviceAddress(this.services.get(source.name, namespace));
      case 'Ingress':
        return ingressAddress(this.caches.ingresses.get(source.name, namespace));
      case 'Gateway':
        return gatewayAddress(this.caches.gateways?.get(source.name, namespace));
    }
  };

  private async writeStatus(outcome: OwnerOutcome): Promise<void> {
    const { owner } = outcome;
    if (owner.kind === 'Gslb') return this.writeK8gbStatus(outcome);
    const object = this.caches.globalRecords.get(owner.name, owner.namespace);
    if (object === undefined) return;
    const next = stampConditions(
      object.status?.conditions,
      outcome.conditions,
      new Date().toISOString(),
      object.metadata.generation,
    );
    if (sameConditions(object.status?.conditions, next)) return;
    await this.rest.mergePatch(
      `${objectPath(Resources.globalRecords, owner.name, owner.namespace)}/status`,
      { status: { conditions: next } },
    );
  }

  /**
   * k8gb's own status shape (its CRD has no conditions): the geo tag, each host's healthy
   * addresses and health, so dashboards reading k8gb's fields keep working.
   */
  private async writeK8gbStatus(outcome: OwnerOutcome): Promise<void> {
    const { owner } = outcome;
    const object = this.caches.k8gbGslbs?.get(owner.name, owner.namespace);
    if (object === undefined) return;
    const healthy = new Set(
      outcome.conditions.filter((c) => c.status === 'True').map((c) => c.type),
    );
    const healthyRecords: Record<string, string[]> = {};
    const serviceHealth: Record<string, string> = {};
    for (const c of outcome.candidates) {
      if (c.name === undefined) continue;
      healthyRecords[c.name] = c.sites
        .filter((s) => s.address !== undefined && healthy.has(`${SITE_CONDITION_PREFIX}${s.site}`))
        .map((s) => s.address ?? '');
      serviceHealth[c.name] =
        c.problem !== undefined
          ? 'NotFound'
          : healthyRecords[c.name]!.length > 0
            ? 'Healthy'
            : 'Unhealthy';
    }
    const status: K8gbGslb['status'] = {
      geoTag: this.siteId,
      hosts: Object.keys(healthyRecords).join(', '),
      healthyRecords,
      serviceHealth,
    };
    if (JSON.stringify(object.status) === JSON.stringify(status)) return;
    const problem = outcome.candidates.find((c) => c.problem !== undefined)?.problem;
    if (problem !== undefined)
      this.logger.warn(
        { gslb: `${owner.namespace}/${owner.name}`, reason: problem.reason },
        `k8gb Gslb not served: ${problem.message}`,
      );
    await this.rest.mergePatch(
      `${objectPath(Resources.k8gbGslbs, owner.name, owner.namespace)}/status`,
      { status },
    );
  }
}
