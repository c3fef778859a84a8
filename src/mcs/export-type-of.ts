import { ConditionReason, validCondition, type Condition } from './export-condition.js';
import type { ServiceType } from './site-export.js';

/** The Kubernetes Service types a ServiceExport may point at. */
export type KubeServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** Either the MCS type the export becomes, or why it is not exportable. */
export type ExportTypeResult =
  { ok: true; type: ServiceType; condition: Condition } | { ok: false; condition: Condition };

/**
 * Maps a Kubernetes Service to its MCS type (KEP §Service Types): `clusterIP: None` is Headless,
 * NodePort/LoadBalancer export as ClusterSetIP, ExternalName is `Valid=False/InvalidServiceType`.
 */
export function exportTypeOf(serviceType: KubeServiceType, clusterIP?: string): ExportTypeResult {
  switch (serviceType) {
    case 'ExternalName':
      return {
        ok: false,
        condition: {
          type: 'Valid',
          status: 'False',
          reason: ConditionReason.InvalidServiceType,
          message: 'Service type ExternalName is not supported for export.',
        },
      };
    case 'ClusterIP':
      return {
        ok: true,
        type: clusterIP === 'None' ? 'Headless' : 'ClusterSetIP',
        condition: validCondition,
      };
    case 'NodePort':
    case 'LoadBalancer':
      return { ok: true, type: 'ClusterSetIP', condition: validCondition };
    default:
      return assertNever(serviceType);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unexpected service type ${String(value)}`);
}
