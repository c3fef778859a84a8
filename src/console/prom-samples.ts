/** One sample of the Prometheus text format: a metric name, its labels and its value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Longest line read; a router's own exposition never comes near it. */
const MAX_LINE = 16_384;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * The samples of the families named in `wanted` from Prometheus text exposition (format 0.0.4).
 * Lines that are not well-formed are skipped rather than failing the whole read: the console shows
 * what it can of a router whose metrics it does not fully understand.
 */
export function parsePromSamples(text: string, wanted: ReadonlySet<string>): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.length > MAX_LINE || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (name === undefined || !wanted.has(name)) continue;
    const sample = parseSampleLine(line, name);
    if (sample !== undefined) samples.push(sample);
  }
  return samples;
}

function parseSampleLine(line: string, name: string): PromSample | undefined {
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const read = parseLabels(rest.slice(1));
    if (read === undefined) return undefined;
    labels = read.labels;
    rest = read.rest;
  }
  // Value, then an optional timestamp: `name{..} 12.5 1700000000000`.
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || !/^\S+$/.test(fields[0] ?? '')) return undefined;
  const value = parseValue(fields[0] ?? '');
  return value === undefined ? undefined : { name, labels, value };
}

function parseValue(raw: string): number | undefined {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

/** `a="x",b="y\"z"}` → labels and what follows the brace; undefined when malformed. */
function parseLabels(text: string): { labels: Record<string, string>; rest: string } | undefined {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  for (;;) {
    if (text[i] === '}') return { labels: { ...labels }, rest: text.slice(i + 1) };
    const key = LABEL_NAME.exec(text.slice(i))?.[0];
    if (key === undefined || text[i + key.length] !== '=' || text[i + key.length + 1] !== '"')
      return undefined;
    i += key.length + 2;
    let value = '';
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== '\\') {
        value += text[i];
        continue;
      }
      i += 1;
      const escaped = text[i];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else return undefined;
    }
    if (i >= text.length) return undefined;
    labels[key] = value;
    i += 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') return undefined;
  }
}
