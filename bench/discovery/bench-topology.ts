/** A partial mesh: a ring of `sites` plus chords, so some sites are 2–3 hops apart. */
export interface BenchTopology {
  sites: string[];
  /** [dialer, listener] pairs. */
  links: Array<[string, string]>;
}

export function ringWithChords(
  count: number,
  chords: ReadonlyArray<[number, number]>,
): BenchTopology {
  const sites = Array.from({ length: count }, (_, i) => `site-${i}`);
  const name = (i: number): string => sites[i % count] as string;
  const links: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) links.push([name(i + 1), name(i)]);
  for (const [a, b] of chords) links.push([name(b), name(a)]);
  return { sites, links };
}

/** Hops from `from` to every site over the topology's links (breadth-first). */
export function hopsFrom(topology: BenchTopology, from: string): Map<string, number> {
  const hops = new Map<string, number>([[from, 0]]);
  const queue = [from];
  for (let site = queue.shift(); site !== undefined; site = queue.shift()) {
    for (const [a, b] of topology.links) {
      const peer = a === site ? b : b === site ? a : undefined;
      if (peer === undefined || hops.has(peer)) continue;
      hops.set(peer, (hops.get(site) ?? 0) + 1);
      queue.push(peer);
    }
  }
  return hops;
}
