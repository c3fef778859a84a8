import { ConditionReason, type Conflict } from './export-condition.js';
import { disagreement } from './disagreement.js';
import type { PortProtocol, ServicePort, SiteExport } from './site-export.js';

/** `80/TCP`: how traffic names a port (the name is only a label; a connection carries protocol and number). */
export type PortKey = `${number}/${PortProtocol}`;

export function portKey(port: number, protocol: PortProtocol): PortKey {
  return `${port}/${protocol}`;
}

export interface MergedPorts {
  /** Union of ports, sorted by name, then number, then protocol. */
  ports: ServicePort[];
  /** For each merged port, the sites (sorted) that expose that protocol+number: only they get its traffic. */
  portSites: Record<PortKey, string[]>;
  conflict: Conflict | undefined;
}

/**
 * Union of every export's ports (KEP §Service Port). `ordered` is oldest first: a port whose name or whose
 * protocol+number is already taken loses to the older definition, so the result has neither duplicate.
 */
export function mergePorts(ordered: readonly SiteExport[]): MergedPorts {
  const byName = new Map<string, ServicePort>();
  const byKey = new Map<PortKey, ServicePort>();
  for (const exp of ordered) {
    for (const port of exp.ports) {
      const key = portKey(port.port, port.protocol);
      if (byName.has(port.name ?? '') || byKey.has(key)) continue;
      byName.set(port.name ?? '', port);
      byKey.set(key, port);
    }
  }
  const ports = [...byKey.values()].map(copyPort).sort(comparePorts);
  return { ports, portSites: sitesPerPort(ordered, byKey), conflict: portConflict(ordered) };
}

function sitesPerPort(
  ordered: readonly SiteExport[],
  merged: ReadonlyMap<PortKey, ServicePort>,
): Record<PortKey, string[]> {
  const sites = new Map<PortKey, string[]>([...merged.keys()].map((key) => [key, []]));
  for (const exp of ordered) {
    const keys = new Set(exp.ports.map((p) => portKey(p.port, p.protocol)));
    for (const key of keys) sites.get(key)?.push(exp.site);
  }
  return Object.fromEntries([...sites].map(([key, list]) => [key, list.sort()]));
}

/** Raised whenever port sets differ at all, even a pure superset (conformance "union … and raise a conflict"). */
function portConflict(ordered: readonly SiteExport[]): Conflict | undefined {
  const [winner] = ordered;
  if (winner === undefined) return undefined;
  const reference = portSignature(winner.ports);
  const disagreeing = ordered.filter((exp) => portSignature(exp.ports) !== reference).length;
  if (disagreeing === 0) return undefined;
  return {
    reason: ConditionReason.PortConflict,
    message:
      `Conflicting ports. Using the union of ports; duplicate names and protocol/port pairs are taken from oldest service export ` +
      `in "${winner.site}". ${disagreement(disagreeing, ordered.length)}`,
  };
}

function portSignature(ports: readonly ServicePort[]): string {
  const items = ports.map((p) =>
    JSON.stringify([p.name ?? '', p.protocol, p.port, p.appProtocol ?? '']),
  );
  return [...new Set(items)].sort().join(';');
}

function comparePorts(a: ServicePort, b: ServicePort): number {
  return (
    compareStrings(a.name ?? '', b.name ?? '') ||
    a.port - b.port ||
    compareStrings(a.protocol, b.protocol)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copyPort(port: ServicePort): ServicePort {
  return {
    ...(port.name === undefined ? {} : { name: port.name }),
    port: port.port,
    protocol: port.protocol,
    ...(port.appProtocol === undefined ? {} : { appProtocol: port.appProtocol }),
  };
}
