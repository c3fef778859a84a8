/** 1536 → "1.5 kB": decimal units, as transfer is billed. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(perSecond: number, unit: string): string {
  if (perSecond === 0) return `0 ${unit}/s`;
  if (perSecond < 0.1) return `${perSecond.toFixed(3)} ${unit}/s`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} ${unit}/s`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? '–' : `≤${ms} ms`;
}

export function formatDollars(d: number): string {
  return d < 0.01 && d > 0 ? `$${d.toFixed(5)}` : `$${d.toFixed(2)}`;
}

/** "12 s ago" from an ISO time or epoch ms. */
export function formatAge(since: string | number, now: number): string {
  const t = typeof since === 'number' ? since : Date.parse(since);
  if (!Number.isFinite(t)) return '–';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
