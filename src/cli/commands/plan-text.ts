import { touchesPods, type NetworkPlan } from '../../network/index.js';
import { table } from '../output.js';

/** The plan for people: sites, overlaps, advice per pair, new blocks. */
export function renderPlan(
  plan: NetworkPlan,
  context: { wrote: boolean; newSites: readonly string[] },
): string {
  const list = (xs: readonly string[]): string => (xs.length === 0 ? '-' : xs.join(','));
  const sites = table(
    ['SITE', 'FROM', 'ROUTABLE', 'DOMAIN', 'PODS', 'SERVICES', 'NODES'],
    plan.sites.map((s) => [
      s.site,
      s.source,
      s.routable ? 'yes' : 'no',
      s.domain,
      list(s.pods),
      list(s.services),
      list(s.nodes),
    ]),
  );
  const overlaps =
    plan.overlaps.length === 0
      ? 'no two sites share an address'
      : plan.overlaps
          .map(
            (o) =>
              `${o.a.site} ${o.a.kind} ${o.a.cidr}  overlaps  ${o.b.site} ${o.b.kind} ${o.b.cidr}` +
              (touchesPods(o) ? '' : '  (no pod CIDR in it: harmless to direct paths)'),
          )
          .join('\n');
  const pairs =
    plan.pairs.length === 0
      ? 'one site: no pairs'
      : table(
          ['PAIR', 'MODEL', 'WHY'],
          plan.pairs.map((p) => [
            p.sites.join(' - '),
            p.forced ? `${p.model} (only choice)` : p.model,
            p.reasons.join('; '),
          ]),
        );
  const parts = [sites, `Overlaps:\n${overlaps}`, `Flat or island, per pair:\n${pairs}`];
  if (plan.allocation !== undefined) parts.push(allocation(plan.allocation, context));
  return parts.join('\n\n');
}

function allocation(
  a: NonNullable<NetworkPlan['allocation']>,
  context: { wrote: boolean; newSites: readonly string[] },
): string {
  const rows = a.blocks.map((block, i) => {
    const site = context.newSites[i];
    return [
      site ?? `new cluster ${i + 1 - context.newSites.length}`,
      block,
      site !== undefined && context.wrote ? 'written to network.pods' : '',
    ];
  });
  return `New pod CIDRs from ${a.pool}, /${a.prefix} each:\n${table(['FOR', 'BLOCK', ''], rows)}`;
}
