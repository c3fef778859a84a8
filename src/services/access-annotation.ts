import type { AdvertService } from '../routing/index.js';

/**
 * The sites an export's access policy admits, carried as an exported annotation: older routers
 * pass annotations through unread, where a new advert field would fail their strict schema.
 */
export const ACCESS_ANNOTATION = 'causeway.io/allowed-sites';

/** Marks advertised services that have an access policy with the sites it admits. */
export function withAccessAnnotations(
  services: AdvertService[],
  admitted: (name: string, namespace: string) => string[] | undefined,
): AdvertService[] {
  return services.map((s) => {
    const sites = admitted(s.name, s.namespace);
    if (sites === undefined) return s;
    return {
      ...s,
      exportedAnnotations: { ...s.exportedAnnotations, [ACCESS_ANNOTATION]: sites.join(',') },
    };
  });
}

/** Whether `site` may import this service as its exporter advertised it (no policy: every site). */
export function admitsImporter(service: AdvertService, site: string): boolean {
  const list = service.exportedAnnotations?.[ACCESS_ANNOTATION];
  return list === undefined || list.split(',').includes(site);
}

/** Whether the exporter decides access itself (it then wants the flow's source in OPEN). */
export function hasAccessPolicy(service: AdvertService | undefined): boolean {
  return service?.exportedAnnotations?.[ACCESS_ANNOTATION] !== undefined;
}
