import { networkInterfaces } from 'node:os';
import { formatHostPort } from '../config/index.js';

/**
 * Where other sites should dial this one, as its adverts say: `link.advertise` when set;
 * otherwise the bound link address, a wildcard host replaced by this host's addresses
 * (non-internal IPv4 first, loopback last), as tokens do.
 */
export function ownLinkEndpoints(advertise: readonly string[], bound: { host: string; port: number }, addresses: () => string[] = hostAddresses): string[] {
  if (advertise.length > 0) return [...advertise];
  if (bound.port === 0) return [];
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::';
  return (wildcard ? addresses() : [bound.host]).map((host) => formatHostPort({ host, port: bound.port }));
}

function hostAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal && a.family === 'IPv4').map((a) => a.address);
  return [...external.slice(0, 7), '127.0.0.1'];
}
