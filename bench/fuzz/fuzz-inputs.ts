/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_JSON = [
  'null',
  'true',
  '-1',
  '1e309',
  '9007199254740993',
  '""',
  '"\\u0000"',
  '[]',
  '{}',
  '['.repeat(2_000) + ']'.repeat(2_000),
  '{"__proto__":{"x":1}}',
  '"' + 'a'.repeat(5000) + '"',
  '{"constructor":{"prototype":{}}}',
  '1.5',
  '"x"',
];

/** `count` hostile variants of `seed`: random bytes, byte-level mutations and, for JSON, field swaps. */
export function* fuzzInputs(
  seed: Buffer,
  count: number,
  random: () => number,
  json: boolean,
): Generator<Buffer> {
  const int = (n: number): number => Math.floor(random() * n);
  const fields = json ? jsonFields(seed) : [];
  for (let i = 0; i < count; i += 1) {
    const kind = int(json ? 4 : 3);
    if (kind === 0) yield randomBytes(int(512), int);
    else if (kind === 3) yield swapField(seed, fields, int);
    else yield mutate(seed, int, 1 + int(8));
  }
}

function randomBytes(length: number, int: (n: number) => number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) b[i] = int(256);
  return b;
}

function mutate(seed: Buffer, int: (n: number) => number, rounds: number): Buffer {
  let b = Buffer.from(seed);
  for (let r = 0; r < rounds; r += 1) {
    const at = int(b.length + 1);
    switch (int(6)) {
      case 0: // bit flip
        if (b.length > 0) b[at % b.length] = (b[at % b.length] ?? 0) ^ (1 << int(8));
        break;
      case 1: // random byte
        if (b.length > 0) b[at % b.length] = int(256);
        break;
      case 2: // insert bytes
        b = Buffer.concat([b.subarray(0, at), randomBytes(1 + int(16), int), b.subarray(at)]);
        break;
      case 3: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(16))]);
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      default: // duplicate a slice (splice with itself)
        b = Buffer.concat([b.subarray(0, at), b.subarray(int(b.length + 1)), b.subarray(at)]);
    }
  }
  return b.length > 65_536 ? b.subarray(0, 65_536) : b;
}

/** Paths to every value of a JSON document. */
function jsonFields(seed: Buffer): string[][] {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    paths.push(path);
    if (typeof v === 'object' && v !== null)
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
  };
  walk(JSON.parse(seed.toString('utf8')), []);
  return paths;
}

function swapField(seed: Buffer, fields: string[][], int: (n: number) => number): Buffer {
  const doc = JSON.parse(seed.toString('utf8')) as Record<string, unknown>;
  const path = fields[int(fields.length)] ?? [];
  const value: unknown = JSON.parse(HOSTILE_JSON[int(HOSTILE_JSON.length)] ?? 'null');
  if (path.length === 0) return Buffer.from(JSON.stringify(value));
  let node: Record<string, unknown> = doc;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) ?? ''] = value;
  return Buffer.from(JSON.stringify(doc));
}
