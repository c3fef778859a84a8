/** The figures of one dnsperf run, from its closing statistics. */
export interface DnsperfStats {
  sent: number;
  completed: number;
  lost: number;
  lostPercent: number;
  qps: number;
  avgLatencyMs: number;
  /** e.g. `{ NOERROR: 900, NXDOMAIN: 100 }`: equal shares on both servers show they answered alike. */
  rcodes: Record<string, number>;
}

/** Reads dnsperf 2.x's statistics block; throws with the output when a figure is missing. */
export function parseDnsperf(output: string): DnsperfStats {
  const number = (pattern: RegExp): number => {
    const match = pattern.exec(output);
    if (match?.[1] === undefined)
      throw new Error(`dnsperf output lacks ${pattern.source}:\n${output}`);
    return Number(match[1]);
  };
  const sent = number(/Queries sent:\s+(\d+)/);
  const lost = number(/Queries lost:\s+(\d+)/);
  return {
    sent,
    completed: number(/Queries completed:\s+(\d+)/),
    lost,
    lostPercent: sent === 0 ? 0 : (100 * lost) / sent,
    qps: number(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: 1000 * number(/Average Latency \(s\):\s+([\d.]+)/),
    rcodes: parseRcodes(/Response codes:\s+(.*)/.exec(output)?.[1] ?? ''),
  };
}

function parseRcodes(line: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of line.matchAll(/([A-Z]+) (\d+)/g)) {
    if (match[1] !== undefined) counts[match[1]] = Number(match[2]);
  }
  return counts;
}
