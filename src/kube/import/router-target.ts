import type { ServiceView } from '../../api/index.js';

/** Where this cluster's pods reach the router for one imported ClusterSetIP service. */
export interface RouterTarget {
  address: string;
  addressType: 'IPv4' | 'IPv6';
  /** The router's port for a service port (TCP unless told); undefined when the router does not serve it. */
  port(servicePort: number, protocol?: 'TCP' | 'UDP'): number | undefined;
}

/**
 * The router's import address with a listener port per service port when it has one (a pod
 * network routes to the router pod's IP, not to its virtual IPs), else its virtual IP at the
 * service's own ports. None for a loopback virtual IP: the API server refuses loopback addresses in
 * EndpointSlices and no pod could use one, so no slice is better than a write failing on every
 * retry (the ServiceImport still exists; `services.importAddress` makes it reachable).
 */
export function routerTarget(view: ServiceView): RouterTarget | undefined {
  const [first] = view.importListeners;
  if (first !== undefined) {
    const address = hostOf(first.listen);
    const ports = new Map(
      view.importListeners.map((l) => [
        `${l.port}/${l.protocol ?? 'TCP'}`,
        Number(l.listen.slice(l.listen.lastIndexOf(':') + 1)),
      ]),
    );
    return {
      address,
      addressType: addressTypeOf(address),
      port: (p, protocol = 'TCP') => ports.get(`${p}/${protocol}`),
    };
  }
  if (view.vip === null || isLoopback(view.vip)) return undefined;
  return { address: view.vip, addressType: addressTypeOf(view.vip), port: (p) => p };
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

function addressTypeOf(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}
