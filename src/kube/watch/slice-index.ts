import type { EndpointSlice } from '../client/kube-objects.js';
import { ImportLabel, MANAGED_BY_CONTROLLER } from '../import/import-labels.js';

/**
 * EndpointSlices of each Service (by `kubernetes.io/service-name`), kept beside the informer's
 * cache so mapping one Service does not scan every slice of its namespace. Slices this controller
 * wrote are left out: they point at the router and must never be exported back.
 */
export class SliceIndex {
  private readonly byService = new Map<string, Map<string, EndpointSlice>>();

  update(slice: EndpointSlice, deleted: boolean): string | undefined {
    const service = slice.metadata.labels?.[ImportLabel.kubeServiceName];
    if (
      service === undefined ||
      slice.metadata.labels?.[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER
    )
      return undefined;
    const key = `${slice.metadata.namespace ?? ''}/${service}`;
    let slices = this.byService.get(key);
    if (deleted) {
      slices?.delete(slice.metadata.name);
      if (slices?.size === 0) this.byService.delete(key);
      return key;
    }
    if (slices === undefined) this.byService.set(key, (slices = new Map<string, EndpointSlice>()));
    slices.set(slice.metadata.name, slice);
    return key;
  }

  /** The slices of Service `namespace/name`. */
  of(namespace: string, name: string): EndpointSlice[] {
    return [...(this.byService.get(`${namespace}/${name}`)?.values() ?? [])];
  }
}
