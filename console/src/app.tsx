import { useEffect, useState } from 'preact/hooks';
import { CostPage } from './cost-page.js';
import { useLiveUpdates } from './live-updates.js';
import { ServicesPage } from './services-page.js';
import { TopologyPage } from './topology-page.js';
import { TrafficPage } from './traffic-page.js';

const PAGES = ['topology', 'services', 'traffic', 'cost'] as const;
type Page = (typeof PAGES)[number];

/** Ranges the router's ring can answer (it keeps 15 minutes). */
const RANGES = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
] as const;

function pageOf(hash: string): Page {
  const name = hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'topology';
}

/** The page in the address bar's hash, so a reload or a shared link keeps it. */
function useHashPage(): Page {
  const [page, setPage] = useState<Page>(pageOf(location.hash));
  useEffect(() => {
    const follow = (): void => setPage(pageOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return page;
}

export function App() {
  const page = useHashPage();
  const [range, setRange] = useState(300);
  const { snapshot, problem } = useLiveUpdates(range);
  const site = snapshot?.status.site;
  const hasData = snapshot !== undefined;
  useEffect(() => {
    // When the pages first show the router's data: what the console's first-paint figure reads.
    if (hasData && performance.getEntriesByName('console:first-data').length === 0)
      performance.mark('console:first-data');
  }, [hasData]);
  return (
    <>
      <header>
        <h1>Causeway</h1>
        {site !== undefined && (
          <span class="site-name" data-site-name={site.id}>
            {site.id}{' '}
            <span class="muted">
              {site.region} / {site.zone}
            </span>
          </span>
        )}
        <nav>
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} class={p === page ? 'active' : ''} data-nav={p}>
              {p}
            </a>
          ))}
        </nav>
        <label class="range">
          range{' '}
          <select
            value={range}
            onChange={(e) => setRange(Number((e.target as HTMLSelectElement).value))}
            data-range
          >
            {RANGES.map((r) => (
              <option key={r.seconds} value={r.seconds}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {problem !== undefined && (
        <p class="problem" data-problem>
          {problem.message}
          {problem.hint !== null && <span class="hint"> hint: {problem.hint}</span>}
        </p>
      )}
      <main data-page={page} data-updated={snapshot?.at}>
        {snapshot === undefined ? (
          <p class="loading">Waiting for the router…</p>
        ) : page === 'topology' ? (
          <TopologyPage snapshot={snapshot} />
        ) : page === 'services' ? (
          <ServicesPage snapshot={snapshot} />
        ) : page === 'traffic' ? (
          <TrafficPage snapshot={snapshot} />
        ) : (
          <CostPage snapshot={snapshot} />
        )}
      </main>
    </>
  );
}
