import { blocksOverlap, parseCidrBlock, type CidrBlock } from './cidr-block.js';

/** A site's network as its advert tells it. */
export interface PathNetwork {
  pods: readonly string[];
  services: readonly string[];
  routable: boolean;
  domain: string;
}

/** What the probe from this site to the remote site's Pods found last. */
export type ProbeState = 'unknown' | 'up' | 'down';

/** How imports from one remote site are reached, and why. */
export interface DirectPath {
  mode: 'direct' | 'router';
  reason: string;
}

/**
 * Direct (the remote Pods' own addresses) or the router, for imports from one remote site. Direct
 * needs all of: both sides declare routable pods in one domain (declared), no pod CIDR of one side
 * overlaps a pod or Service CIDR of the other (else an address would mean two things here), no
 * unsettled change of the remote's CIDRs, and a probe from this side that reached a remote Pod
 * (confirmed). Anything less is the router path, which works everywhere.
 */
export function directPath(
  self: PathNetwork,
  remote: PathNetwork | undefined,
  probe: ProbeState,
  changed?: string,
): DirectPath {
  const router = (reason: string): DirectPath => ({ mode: 'router', reason });
  if (remote === undefined) return router('the site advertises no network');
  if (!self.routable) return router('this site does not declare its pods routable');
  if (!remote.routable) return router('the site does not declare its pods routable');
  if (self.domain !== remote.domain)
    return router(`routed domains differ (${self.domain}, ${remote.domain})`);
  const clash = podClash(self, remote);
  if (clash !== undefined) return router(clash);
  if (changed !== undefined) return router(changed);
  if (probe === 'unknown') return router('waiting for the first probe of a remote Pod');
  if (probe === 'down') return router('the probe of a remote Pod failed');
  return { mode: 'direct', reason: 'routed, and a remote Pod answered the probe' };
}

function podClash(self: PathNetwork, remote: PathNetwork): string | undefined {
  const blocks = (list: readonly string[]): CidrBlock[] =>
    list.flatMap((c) => {
      try {
        return [parseCidrBlock(c)];
      } catch {
        return []; // an unparsable block from a peer takes no part; validation is its config's
      }
    });
  const pairs: Array<[string, CidrBlock[], CidrBlock[]]> = [
    ['pod CIDRs overlap', blocks(self.pods), blocks(remote.pods)],
    ['a remote pod CIDR overlaps a Service CIDR here', blocks(self.services), blocks(remote.pods)],
    ['a pod CIDR here overlaps a remote Service CIDR', blocks(self.pods), blocks(remote.services)],
  ];
  for (const [why, mine, theirs] of pairs) {
    const hit = mine.flatMap((m) =>
      theirs.filter((t) => blocksOverlap(m, t)).map((t) => [m, t]),
    )[0];
    if (hit !== undefined) return `${why}: ${hit[0]?.cidr} and ${hit[1]?.cidr}`;
  }
  if (remote.pods.length === 0) return 'the site advertises no pod CIDR';
  return undefined;
}

/**
 * A change of a site's CIDRs as a conflict: addresses this site already programmed (slices, DNS
 * answers) may now point elsewhere, so direct paths to that site wait for a new probe.
 */
export function networkChange(
  site: string,
  before: PathNetwork | undefined,
  after: PathNetwork | undefined,
): string | undefined {
  if (before === undefined || after === undefined) return undefined;
  const same = (a: readonly string[], b: readonly string[]): boolean =>
    [...a].sort().join() === [...b].sort().join();
  if (same(before.pods, after.pods) && same(before.services, after.services)) return undefined;
  return `site ${site} changed its CIDRs from pods [${before.pods.join(', ')}] services [${before.services.join(', ')}] to pods [${after.pods.join(', ')}] services [${after.services.join(', ')}]`;
}
