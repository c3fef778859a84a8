import type { ConsoleSnapshot, TrafficReport } from './console-data.js';
import { formatBytes, formatMs, formatRate } from './format.js';
import { TimeChart } from './time-chart.js';

type Series = TrafficReport['series'][number];

interface PairTotal {
  source: string;
  destination: string;
  flows: number;
  errors: number;
  bytes: number;
}

/** Sums series by site pair, whatever the service or side. */
export function pairTotals(series: Series[]): PairTotal[] {
  const pairs = new Map<string, PairTotal>();
  for (const s of series) {
    const key = `${s.source}→${s.destination}`;
    const p = pairs.get(key) ?? {
      source: s.source,
      destination: s.destination,
      flows: 0,
      errors: 0,
      bytes: 0,
    };
    pairs.set(key, p);
    p.flows += s.flows;
    p.errors += s.errors;
    p.bytes += s.bytesToBackend + s.bytesToClient;
  }
  return [...pairs.values()].sort((a, b) => b.bytes - a.bytes);
}

export function TrafficPage({ snapshot }: { snapshot: ConsoleSnapshot }) {
  const { traffic } = snapshot;
  const seconds = traffic.rangeMs / 1000;
  const perBucket = traffic.bucketMs / 1000;
  const times = traffic.timeline.map((p) => p.t);
  const rate = (pick: (p: TrafficReport['timeline'][number]) => number): number[] =>
    traffic.timeline.map((p) => pick(p) / perBucket);
  return (
    <section>
      <h2>
        Traffic{' '}
        <span class="muted">
          seen by {traffic.site}, last {seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`}
        </span>
      </h2>
      <div class="grid">
        <TimeChart
          title="flows and requests per second"
          unit="/s"
          times={times}
          series={[
            { label: 'flows/s', values: rate((p) => p.flows), color: '#2f6fde' },
            { label: 'requests/s', values: rate((p) => p.requests), color: '#1b9e77' },
            { label: 'errors/s', values: rate((p) => p.errors), color: '#d6454a' },
          ]}
        />
        <TimeChart
          title="bytes per second"
          unit="B/s"
          times={times}
          series={[{ label: 'bytes/s', values: rate((p) => p.bytes), color: '#7a4fd6' }]}
        />
      </div>
      {traffic.series.length === 0 ? (
        <p class="empty" data-empty="traffic">
          No flow ended at this site in the last {seconds} s.
        </p>
      ) : (
        <>
          <h3>Per service</h3>
          <table data-table="traffic-services">
            <thead>
              <tr>
                <th>service</th>
                <th>side</th>
                <th>sites</th>
                <th>flows/s</th>
                <th>requests/s</th>
                <th>bytes</th>
                <th>errors</th>
                <th>p50</th>
                <th>p90</th>
                <th>p99</th>
              </tr>
            </thead>
            <tbody>
              {traffic.series.map((s) => (
                <tr
                  key={`${s.side}-${s.namespace}-${s.service}-${s.source}-${s.destination}`}
                  data-traffic={`${s.service}.${s.namespace}`}
                  data-flows={s.flows}
                >
                  <td>
                    {s.service}.{s.namespace}
                  </td>
                  <td>{s.side}</td>
                  <td>
                    {s.source} → {s.destination}
                  </td>
                  <td>{formatRate(s.flows / seconds, 'flows')}</td>
                  <td>{s.requests === 0 ? '–' : formatRate(s.requests / seconds, 'req')}</td>
                  <td>{formatBytes(s.bytesToBackend + s.bytesToClient)}</td>
                  <td class={s.errors > 0 ? 'error' : ''}>{s.errors}</td>
                  <td>{formatMs(s.p50Ms)}</td>
                  <td>{formatMs(s.p90Ms)}</td>
                  <td>{formatMs(s.p99Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Per site pair</h3>
          <table data-table="traffic-pairs">
            <thead>
              <tr>
                <th>from</th>
                <th>to</th>
                <th>flows</th>
                <th>errors</th>
                <th>bytes</th>
                <th>bytes/s</th>
              </tr>
            </thead>
            <tbody>
              {pairTotals(traffic.series).map((p) => (
                <tr key={`${p.source}-${p.destination}`}>
                  <td>{p.source}</td>
                  <td>{p.destination}</td>
                  <td>{p.flows}</td>
                  <td>{p.errors}</td>
                  <td>{formatBytes(p.bytes)}</td>
                  <td>{formatBytes(Math.round(p.bytes / seconds))}/s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
