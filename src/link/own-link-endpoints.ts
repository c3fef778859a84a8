import { networkInterfaces } from 'node:os';
import { formatHostPort } from '../config/index.js';

/**
 * Where other sites should dial this one, as its adverts say: `link.advertise` when set;
 * otherwise the bound link address, a wildcard host replaced by this host's addresses.
 */
export function ownLinkEndpoints(
  advertise: readonly string[],
  bound: { host: string; port: number },
  addresses: () => string[] = hostAddresses,
): string[] {
  if (advertise.length > 0) return [...advertise];
  if (bound.port === 0) return [];
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::';
  return (wildcard ? addresses() : [bound.host]).map((host) =>
    formatHostPort({ host, port: bound.port }),
  );
}

/**
 * Unlike a token (read by a person who may dial from this host), an advert reaches every site:
 * loopback is advertised only when there is nothing else, since on another host or in another
 * network namespace 127.0.0.1 is somebody else's router.
 */
function hostAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal && a.family === 'IPv4').map((a) => a.address);
  return external.length > 0 ? external.slice(0, 8) : ['127.0.0.1'];
}
