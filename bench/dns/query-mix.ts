import { BENCH_PORT, BENCH_ZONE } from './bench-services.js';

/** Share of each query kind in every block of 20 queries: 70% A, 15% SRV, 5% TXT, 10% NXDOMAIN. */
const BLOCK = [
  ...Array<'a'>(14).fill('a'),
  ...Array<'srv'>(3).fill('srv'),
  'txt',
  ...Array<'nxdomain'>(2).fill('nxdomain'),
] as const;
type QueryKind = (typeof BLOCK)[number];

/** One dnsperf input line per query (`<name> <type>`), the kinds interleaved so every second sees the same mix. */
export function queryMix(serviceKeys: readonly string[], lines: number): string[] {
  const seen: Record<QueryKind, number> = { a: 0, srv: 0, txt: 0, nxdomain: 0 };
  const queries: string[] = [];
  for (let i = 0; i < lines; i++) {
    const kind = BLOCK[i % BLOCK.length] ?? 'a';
    queries.push(queryLine(kind, seen[kind]++, serviceKeys));
  }
  return queries;
}

function queryLine(kind: QueryKind, n: number, serviceKeys: readonly string[]): string {
  const service = `${serviceKeys[n % serviceKeys.length] ?? ''}.svc.${BENCH_ZONE}`;
  switch (kind) {
    case 'a':
      return `${service} A`;
    case 'srv':
      return `_${BENCH_PORT.name}._${BENCH_PORT.protocol.toLowerCase()}.${service} SRV`;
    case 'txt':
      return `dns-version.${BENCH_ZONE} TXT`;
    case 'nxdomain':
      return `missing-${n % 100}.bench.svc.${BENCH_ZONE} A`;
  }
}
