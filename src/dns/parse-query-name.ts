import { isInZone, isValidName } from './dns-name.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** What part of a service's subtree a name points at. */
export type ServiceBranch =
  | { kind: 'service' }
  | { kind: 'port'; port: string; protocol: Protocol }
  /** `_<proto>.<svc>…`: the empty non-terminal above `_<port>._<proto>.<svc>…`. */
  | { kind: 'protocol'; protocol: Protocol }
  | { kind: 'endpoint'; hostname: string; site: string };

/** A query name classified against our zones; `zone` is the zone whose SOA goes into negative answers. */
export type QueryName =
  | { kind: 'outside' }
  | { kind: 'nonexistent'; zone: string }
  | { kind: 'apex'; zone: string }
  | { kind: 'version'; zone: string }
  /** Empty non-terminals: `svc.<zone>`, `<ns>.svc.<zone>`, and the site labels of the targeted zone. */
  | { kind: 'interior'; zone: string; namespace?: string }
  /** `site` is set for names in the site-targeted zone. */
  | {
      kind: 'service';
      zone: string;
      service: string;
      namespace: string;
      site?: string;
      branch: ServiceBranch;
    };

export interface QueryZones {
  zone: string;
  targetedSuffix?: string;
}

/**
 * Classifies a lowercase query name without trailing dot. `sites` maps lowercase site ids to the ids the
 * view uses; site ids may span several labels, so they are found by lookup, never by label position.
 */
export function parseQueryName(
  name: string,
  zones: QueryZones,
  sites: ReadonlyMap<string, string>,
): QueryName {
  const { zone, targetedSuffix } = zones;
  // The more specific zone wins when one suffix lies inside the other.
  const candidates = [zone, targetedSuffix].filter(
    (z): z is string => z !== undefined && isInZone(name, z),
  );
  const owner = candidates.sort((a, b) => b.length - a.length)[0];
  if (owner === undefined) return { kind: 'outside' };
  if (!isValidName(name)) return { kind: 'nonexistent', zone: owner };
  const labels = name === owner ? [] : name.slice(0, -(owner.length + 1)).split('.');
  return owner === zone
    ? parseClustersetName(labels, zone, sites)
    : parseTargetedName(labels, owner, sites);
}

/** `<svc>.<ns>.svc.<zone>` and its children (DNSSPEC §2.3, §2.4). */
function parseClustersetName(
  labels: string[],
  zone: string,
  sites: ReadonlyMap<string, string>,
): QueryName {
  const nonexistent = { kind: 'nonexistent', zone } as const;
  if (labels.length === 0) return { kind: 'apex', zone };
  if (labels.length === 1 && labels[0] === 'dns-version') return { kind: 'version', zone };
  if (labels.at(-1) !== 'svc') return nonexistent;
  if (labels.length === 1) return { kind: 'interior', zone };
  const namespace = labels.at(-2) as string;
  if (labels.length === 2) return { kind: 'interior', zone, namespace };
  const service = labels.at(-3) as string;
  const prefix = labels.slice(0, -3);
  const branch = parseBranch(prefix) ?? parseEndpoint(prefix, sites);
  return branch === undefined ? nonexistent : { kind: 'service', zone, service, namespace, branch };
}

/** `<svc>.<ns>.svc.<site-id>.<targetedSuffix>`: a separate zone, so the reserved `<site>.<svc>…` names stay unused. */
function parseTargetedName(
  labels: string[],
  zone: string,
  sites: ReadonlyMap<string, string>,
): QueryName {
  const nonexistent = { kind: 'nonexistent', zone } as const;
  if (labels.length === 0) return { kind: 'apex', zone };
  const joined = labels.join('.');
  // A site id and its trailing labels (for multi-label ids) are empty non-terminals.
  if (sites.has(joined) || [...sites.keys()].some((site) => site.endsWith(`.${joined}`)))
    return { kind: 'interior', zone };
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 'svc') continue;
    const site = sites.get(labels.slice(i + 1).join('.'));
    if (site === undefined) continue;
    if (i === 0) return { kind: 'interior', zone };
    const namespace = labels[i - 1] as string;
    if (i === 1) return { kind: 'interior', zone, namespace };
    const branch = parseBranch(labels.slice(0, i - 2));
    if (branch === undefined) return nonexistent;
    return { kind: 'service', zone, service: labels[i - 2] as string, namespace, site, branch };
  }
  return nonexistent;
}

/** The service name itself, `_<port>._<proto>` (RFC 2782) or the `_<proto>` non-terminal above it. */
function parseBranch(prefix: string[]): ServiceBranch | undefined {
  if (prefix.length === 0) return { kind: 'service' };
  const [first, second] = prefix;
  if (prefix.length === 1 && first !== undefined) {
    const protocol = parseProtocol(first);
    return protocol === undefined ? undefined : { kind: 'protocol', protocol };
  }
  if (prefix.length === 2 && first?.startsWith('_') && second !== undefined && first.length > 1) {
    const protocol = parseProtocol(second);
    return protocol === undefined ? undefined : { kind: 'port', port: first.slice(1), protocol };
  }
  return undefined;
}

/** `<hostname>.<site-id>`; a bare `<site-id>` is reserved by DNSSPEC §2.3.4/§2.4.4 and so never matches. */
function parseEndpoint(
  prefix: string[],
  sites: ReadonlyMap<string, string>,
): ServiceBranch | undefined {
  const [hostname, ...siteLabels] = prefix;
  if (hostname === undefined || siteLabels.length === 0) return undefined;
  const site = sites.get(siteLabels.join('.'));
  return site === undefined ? undefined : { kind: 'endpoint', hostname, site };
}

const PROTOCOLS: Record<string, Protocol> = { _tcp: 'TCP', _udp: 'UDP', _sctp: 'SCTP' };

function parseProtocol(label: string): Protocol | undefined {
  return Object.hasOwn(PROTOCOLS, label) ? PROTOCOLS[label] : undefined;
}
