import type { CompiledRule } from './http-route.js';

/** Where an endpoint is, as a subset is defined over it. */
export interface EndpointPlace {
  site: string;
  zone?: string | undefined;
  region?: string | undefined;
}

/** Which endpoints a request may go to: any, or those that `allows` accepts. */
export type BackendChoice =
  { type: 'any' } | { type: 'only'; label: string; allows: (p: EndpointPlace) => boolean };

const ANY: BackendChoice = { type: 'any' };

/**
 * Picks one of the rule's weighted backends (`random` in [0, 1)). Backends without a usable
 * endpoint are left out before the draw (`usable`), so a weight never sends requests to nothing
 * while another backend could serve — as a Gateway API backend without endpoints is.
 */
export function pickBackend(
  rule: CompiledRule | undefined,
  random: () => number,
  usable: (choice: BackendChoice) => boolean,
): BackendChoice {
  if (rule === undefined || rule.config.backends.length === 0) return ANY;
  const options = rule.config.backends
    .filter((b) => b.weight > 0)
    .map((b) => ({ weight: b.weight, choice: backendChoice(rule, b) }))
    .filter((o) => usable(o.choice));
  const total = options.reduce((sum, o) => sum + o.weight, 0);
  if (total === 0) return { type: 'only', label: 'none', allows: () => false };
  let draw = random() * total;
  for (const option of options) {
    draw -= option.weight;
    if (draw < 0) return option.choice;
  }
  return options.at(-1)?.choice ?? ANY;
}

function backendChoice(
  rule: CompiledRule,
  backend: CompiledRule['config']['backends'][number],
): BackendChoice {
  if (backend.site !== undefined) {
    const site = backend.site;
    return { type: 'only', label: site, allows: (p) => p.site === site };
  }
  if (backend.subset === undefined) return ANY;
  const subset = rule.subsets.find((s) => s.name === backend.subset);
  if (subset === undefined) return { type: 'only', label: backend.subset, allows: () => false };
  const sites = new Set(subset.sites);
  const zones = new Set(subset.zones);
  const regions = new Set(subset.regions);
  return {
    type: 'only',
    label: subset.name,
    allows: (p) =>
      sites.has(p.site) ||
      (p.zone !== undefined && zones.has(p.zone)) ||
      (p.region !== undefined && regions.has(p.region)),
  };
}
