import { isIPv4, isIPv6 } from 'node:net';
import { CausewayError, ErrorCode } from '../errors/index.js';

/** Where a site accepts links: a host (IPv4, IPv6 without brackets, or DNS name) and a port. */
export type LinkEndpoint = { host: string; port: number };

const maxDnsNameLength = 253;
const dnsLabelPattern = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
// No leading zeros, so an endpoint has exactly one textual form and tokens re-encode byte for byte.
const portPattern = /^[1-9][0-9]{0,4}$/;

/** `host:port`, with IPv6 hosts bracketed as in RFC 3986 §3.2.2. */
export function formatEndpoint(endpoint: LinkEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${host}:${endpoint.port}`;
}

/** Parses `host:port` or `[v6]:port`; throws CW_INPUT_INVALID saying what is wrong. */
export function parseEndpoint(text: string): LinkEndpoint {
  const problem = endpointProblem(text);
  if (problem !== undefined) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `endpoint ${JSON.stringify(text)} is invalid: ${problem}`,
    );
  }
  return splitEndpoint(text);
}

/** Why `text` is not a valid link endpoint, or undefined when it is one. */
export function endpointProblem(text: string): string | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return 'expected host:port';
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (!portPattern.test(port) || Number(port) > 65535) return 'port must be 1–65535';
  if (host.startsWith('[') && host.endsWith(']')) {
    return isPlainIPv6(host.slice(1, -1)) ? undefined : 'bracketed host must be an IPv6 address';
  }
  if (host.includes(':')) return 'an IPv6 host must be in brackets, as [::1]:8443';
  return isIPv4(host) || isDnsName(host)
    ? undefined
    : 'host must be an IPv4 address, [IPv6] or DNS name';
}

function splitEndpoint(text: string): LinkEndpoint {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon);
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return { host: bare, port: Number(text.slice(colon + 1)) };
}

// A zone id (fe80::1%eth0) names an interface on one machine and means nothing to another site.
function isPlainIPv6(host: string): boolean {
  return !host.includes('%') && isIPv6(host);
}

function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > maxDnsNameLength) return false;
  const labels = host.split('.');
  // An all-numeric last label would make a mistyped IPv4 address (1.2.3.999) pass as a name.
  const last = labels[labels.length - 1] ?? '';
  return labels.every((label) => dnsLabelPattern.test(label)) && !/^[0-9]+$/.test(last);
}
