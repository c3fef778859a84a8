/** One site's view of its own links, as carried in its advert. */
export interface SiteLinks {
  site: string;
  links: ReadonlyArray<{ peer: string; cost: number }>;
}

export interface Route {
  /** Destination site. */
  site: string;
  /** Directly linked peer to send flows for `site` to. */
  nextHop: string;
  /** Sum of link costs along the path. */
  cost: number;
  hops: number;
}

/**
 * Least-cost routes from `self` over the link graph (Dijkstra). An edge counts only when both
 * ends report it (the two-way check of link-state protocols), so a site that lost a link cannot
 * keep attracting flows through the stale half of it. Ties break on site id for determinism.
 */
export function computeRoutes(self: string, sites: readonly SiteLinks[]): Map<string, Route> {
  const reported = new Map<string, Map<string, number>>();
  for (const s of sites) reported.set(s.site, new Map(s.links.map((l) => [l.peer, l.cost])));
  const neighbours = (site: string): Array<[string, number]> => {
    const out: Array<[string, number]> = [];
    for (const [peer, cost] of reported.get(site) ?? []) {
      const back = reported.get(peer)?.get(site);
      if (back !== undefined) out.push([peer, Math.max(cost, back)]);
    }
    return out;
  };
  const routes = new Map<string, Route>();
  const best = new Map<string, { cost: number; nextHop: string; hops: number }>([
    [self, { cost: 0, nextHop: self, hops: 0 }],
  ]);
  const done = new Set<string>();
  for (;;) {
    let current: string | undefined;
    for (const [site, entry] of best) {
      if (done.has(site)) continue;
      const chosen = current === undefined ? undefined : best.get(current);
      if (
        chosen === undefined ||
        entry.cost < chosen.cost ||
        (entry.cost === chosen.cost && site < (current ?? ''))
      )
        current = site;
    }
    if (current === undefined) break;
    done.add(current);
    const here = best.get(current) as { cost: number; nextHop: string; hops: number };
    if (current !== self)
      routes.set(current, {
        site: current,
        nextHop: here.nextHop,
        cost: here.cost,
        hops: here.hops,
      });
    for (const [peer, cost] of neighbours(current)) {
      if (done.has(peer)) continue;
      const candidate = {
        cost: here.cost + cost,
        nextHop: current === self ? peer : here.nextHop,
        hops: here.hops + 1,
      };
      const known = best.get(peer);
      if (
        known === undefined ||
        candidate.cost < known.cost ||
        (candidate.cost === known.cost && candidate.nextHop < known.nextHop)
      )
        best.set(peer, candidate);
    }
  }
  return routes;
}
