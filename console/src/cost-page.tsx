import type { ConsoleSnapshot } from './console-data.js';
import { formatBytes, formatDollars } from './format.js';

export function CostPage({ snapshot }: { snapshot: ConsoleSnapshot }) {
  const { cost } = snapshot;
  if (!cost.available)
    return (
      <section>
        <h2>Cost</h2>
        <p class="empty" data-empty="cost">
          This router exposes no cost accounting (no <code>causeway_transfer_bytes_total</code> or{' '}
          <code>causeway_transfer_cost_dollars_total</code> in its metrics). Traffic between zones
          and regions shows on the Traffic page meanwhile.
        </p>
      </section>
    );
  return (
    <section>
      <h2>
        Cost <span class="muted">since the router started</span>
      </h2>
      <p>
        {formatBytes(cost.totalBytes)} across zones and regions, {formatDollars(cost.totalDollars)}{' '}
        at the configured prices.
      </p>
      <table data-table="cost">
        <thead>
          <tr>
            <th>service</th>
            <th>from</th>
            <th>to</th>
            <th>bytes</th>
            <th>cost</th>
          </tr>
        </thead>
        <tbody>
          {cost.rows.map((r) => (
            <tr
              key={`${r.service}-${r.namespace}-${r.srcZone}-${r.dstZone}-${r.srcRegion}-${r.dstRegion}`}
            >
              <td>{r.service === '' ? '–' : `${r.service}.${r.namespace}`}</td>
              <td>
                {r.srcRegion} / {r.srcZone}
              </td>
              <td>
                {r.dstRegion} / {r.dstZone}
              </td>
              <td>{formatBytes(r.bytes)}</td>
              <td>{formatDollars(r.dollars)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
