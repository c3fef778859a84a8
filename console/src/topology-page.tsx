import type { ConsoleSnapshot, StatusReport } from './console-data.js';
import { formatAge, formatBytes, formatRate } from './format.js';

type SiteState = 'self' | 'up' | 'connecting' | 'down' | 'routed' | 'unreachable';

interface SiteNode {
  id: string;
  zone: string;
  region: string;
  state: SiteState;
  /** The peer a routed site is reached through. */
  via: string | null;
}

/** Every site this router knows of: itself, its link peers, routed sites and remembered members. */
export function siteNodes(status: StatusReport): SiteNode[] {
  const nodes = new Map<string, SiteNode>();
  const self = status.site;
  nodes.set(self.id, {
    id: self.id,
    zone: self.zone,
    region: self.region,
    state: 'self',
    via: null,
  });
  for (const l of status.links) {
    const state: SiteState =
      l.state === 'up' ? 'up' : l.state === 'connecting' ? 'connecting' : 'down';
    nodes.set(l.peer, { id: l.peer, zone: l.zone, region: l.region, state, via: null });
  }
  for (const r of status.routes) {
    if (nodes.has(r.site)) continue;
    const state: SiteState = r.reachable ? 'routed' : 'unreachable';
    const place = { zone: r.zone ?? '?', region: r.region ?? 'unknown region' };
    nodes.set(r.site, { id: r.site, ...place, state, via: r.nextHop });
  }
  for (const m of status.partition?.members ?? []) {
    if (!nodes.has(m))
      nodes.set(m, { id: m, zone: '?', region: 'unknown region', state: 'unreachable', via: null });
  }
  return [...nodes.values()];
}

const WIDTH = 960;
const ROW = 74;

interface Placed extends SiteNode {
  x: number;
  y: number;
}

/** Regions as columns, zones as bands inside them, sites stacked in their zone. */
function layout(nodes: SiteNode[]): {
  placed: Placed[];
  regions: Array<{
    name: string;
    x: number;
    w: number;
    zones: Array<{ name: string; y: number; h: number }>;
  }>;
  height: number;
} {
  const byRegion = new Map<string, Map<string, SiteNode[]>>();
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    const zones = byRegion.get(n.region) ?? new Map<string, SiteNode[]>();
    byRegion.set(n.region, zones);
    zones.set(n.zone, [...(zones.get(n.zone) ?? []), n]);
  }
  const names = [...byRegion.keys()].sort();
  const w = WIDTH / Math.max(1, names.length);
  const placed: Placed[] = [];
  const regions = names.map((name, i) => {
    let y = 40;
    const zones = [...(byRegion.get(name) ?? new Map<string, SiteNode[]>())]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([zone, sites]) => {
        const h = 28 + sites.length * ROW;
        sites.forEach((s, j) =>
          placed.push({ ...s, x: i * w + w / 2, y: y + 28 + j * ROW + ROW / 2 - 6 }),
        );
        const band = { name: zone, y, h };
        y += h + 10;
        return band;
      });
    return { name, x: i * w, w, zones };
  });
  const height = Math.max(
    220,
    ...regions.map((r) => (r.zones.at(-1)?.y ?? 0) + (r.zones.at(-1)?.h ?? 0) + 20),
  );
  return { placed, regions, height };
}

/** Bytes per second between this site and `peer` over the chosen range, from the traffic ring. */
function peerRate(snapshot: ConsoleSnapshot, peer: string): number {
  const { traffic } = snapshot;
  const bytes = traffic.series
    .filter((s) => s.source === peer || s.destination === peer)
    .reduce((n, s) => n + s.bytesToBackend + s.bytesToClient, 0);
  return bytes / (traffic.rangeMs / 1000);
}

export function TopologyPage({ snapshot }: { snapshot: ConsoleSnapshot }) {
  const { status } = snapshot;
  const { placed, regions, height } = layout(siteNodes(status));
  const at = (id: string): Placed | undefined => placed.find((p) => p.id === id);
  const self = at(status.site.id);
  return (
    <section>
      <h2>Topology</h2>
      <svg
        class="topology"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label="sites and links"
      >
        {regions.map((r) => (
          <g key={r.name}>
            <rect class="region" x={r.x + 6} y={6} width={r.w - 12} height={height - 12} rx={10} />
            <text class="region-name" x={r.x + 18} y={28}>
              {r.name}
            </text>
            {r.zones.map((z) => (
              <g key={z.name}>
                <rect class="zone" x={r.x + 18} y={z.y} width={r.w - 36} height={z.h} rx={8} />
                <text class="zone-name" x={r.x + 28} y={z.y + 18}>
                  {z.name}
                </text>
              </g>
            ))}
          </g>
        ))}
        {self !== undefined &&
          status.links.map((l) => {
            const peer = at(l.peer);
            if (peer === undefined) return null;
            const rate = peerRate(snapshot, l.peer);
            return (
              <g
                key={l.peer}
                class={`link link-${l.state}`}
                data-link={l.peer}
                data-state={l.state}
              >
                <line x1={self.x} y1={self.y} x2={peer.x} y2={peer.y} />
                <text x={(self.x + peer.x) / 2} y={(self.y + peer.y) / 2 - 8} text-anchor="middle">
                  {l.state === 'up'
                    ? `${l.rttMs?.toFixed(1) ?? '–'} ms · ${formatRate(rate / 1000, 'kB')}`
                    : l.state}
                </text>
              </g>
            );
          })}
        {placed
          .filter((p) => p.via !== null)
          .map((p) => {
            const via = at(p.via ?? '');
            return via === undefined ? null : (
              <line key={`via-${p.id}`} class="via" x1={via.x} y1={via.y} x2={p.x} y2={p.y} />
            );
          })}
        {placed.map((p) => (
          <g key={p.id} class={`site site-${p.state}`} data-site={p.id} data-state={p.state}>
            <circle cx={p.x} cy={p.y} r={17} />
            <text x={p.x} y={p.y + 34} text-anchor="middle">
              {p.id}
            </text>
          </g>
        ))}
      </svg>
      <div class="grid">
        <PartitionCard status={status} />
        <LeasesCard status={status} now={snapshot.at} />
      </div>
      <h3>Links of {status.site.id}</h3>
      <table data-table="links">
        <thead>
          <tr>
            <th>peer</th>
            <th>state</th>
            <th>direction</th>
            <th>RTT</th>
            <th>bytes/s</th>
            <th>flows</th>
            <th>since</th>
            <th>last error</th>
          </tr>
        </thead>
        <tbody>
          {status.links.map((l) => (
            <tr key={l.peer} data-peer={l.peer}>
              <td>
                {l.peer}{' '}
                <span class="muted">
                  {l.region} / {l.zone}
                </span>
              </td>
              <td>
                <span class={`badge badge-${l.state}`}>{l.state}</span>
              </td>
              <td>{l.direction}</td>
              <td>{l.rttMs === null ? '–' : `${l.rttMs.toFixed(1)} ms`}</td>
              <td>{formatBytes(Math.round(peerRate(snapshot, l.peer)))}/s</td>
              <td>{l.flows}</td>
              <td>{formatAge(l.since, snapshot.at)}</td>
              <td class="error">{l.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PartitionCard({ status }: { status: StatusReport }) {
  const p = status.partition;
  if (p === null)
    return (
      <div class="card">
        <h3>Partition</h3>
        <p class="muted">No members remembered yet.</p>
      </div>
    );
  return (
    <div class="card" data-card="partition" data-majority={String(p.majority)}>
      <h3>Partition</h3>
      <p>
        {p.majority ? (
          <span class="badge badge-up">majority side</span>
        ) : (
          <span class="badge badge-down">safe mode: minority side</span>
        )}{' '}
        quorum {p.quorum} of {p.members.length}
      </p>
      <p>reachable: {p.reachable.join(', ') || '–'}</p>
      <p data-unreachable={p.unreachable.join(',')}>
        unreachable: {p.unreachable.join(', ') || 'none'}
      </p>
    </div>
  );
}

function LeasesCard({ status, now }: { status: StatusReport; now: number }) {
  return (
    <div class="card" data-card="leases">
      <h3>Leases</h3>
      {status.leases.length === 0 ? (
        <p class="muted">This router holds and watches no lease.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>lease</th>
              <th>holder</th>
              <th>fencing</th>
              <th>expires</th>
            </tr>
          </thead>
          <tbody>
            {status.leases.map((l) => (
              <tr key={l.name} data-lease={l.name}>
                <td>
                  {l.name}
                  {l.holding ? ' (held here)' : ''}
                </td>
                <td>{l.holder ?? (l.known ? 'nobody' : 'unknown')}</td>
                <td>{l.fencingToken ?? '–'}</td>
                <td>
                  {l.expiresAt === null
                    ? '–'
                    : formatAge(now, Date.parse(l.expiresAt)).replace('ago', 'left')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
