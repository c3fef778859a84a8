import { isIP } from 'node:net';
import type { Gateway, Ingress, LoadBalancerStatus, Service } from '../client/kube-objects.js';

/**
 * The first IP a load balancer publishes. A hostname-only ingress (as some clouds give) is not an
 * address an A/AAAA answer can carry, so it is skipped.
 */
function firstIp(status: LoadBalancerStatus | undefined): string | undefined {
  return status?.ingress?.map((i) => i.ip).find((ip) => ip !== undefined && isIP(ip) !== 0);
}

/** A LoadBalancer Service's ingress address; other Service types publish none to the outside. */
export function serviceAddress(service: Service | undefined): string | undefined {
  if (service?.spec?.type !== 'LoadBalancer') return undefined;
  return firstIp(service.status?.loadBalancer);
}

/** The address the Ingress controller published in the Ingress's status. */
export function ingressAddress(ingress: Ingress | undefined): string | undefined {
  return firstIp(ingress?.status?.loadBalancer);
}

/** The first IP address a Gateway's controller published (Gateway API `status.addresses`). */
export function gatewayAddress(gateway: Gateway | undefined): string | undefined {
  return gateway?.status?.addresses
    ?.filter((a) => a.type === undefined || a.type === 'IPAddress')
    .map((a) => a.value)
    .find((v) => isIP(v) !== 0);
}
