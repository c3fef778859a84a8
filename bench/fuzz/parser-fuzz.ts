// Fuzzes every parser that faces the network with hostile input: random bytes, mutations of a
// valid message (bit flips, insertions, deletions, truncation, splices) and, for JSON payloads,
// valid JSON with fields swapped for hostile values. Each input must end in a value or a typed
// CausewayError; anything else is a crash, an input taking longer than HANG_MS a hang.
// Figures beside the same-run baseline: JSON.parse over the same inputs.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CausewayError } from '../../src/errors/index.js';
import { decodeHello, encodeHello } from '../../src/link/index.js';
import { decodeRevocation, encodeRevocation } from '../../src/membership/index.js';
import { decodeControl, encodeSiteAdvert, type SiteAdvert } from '../../src/routing/index.js';
import { decodeOpenRequest, encodeOpenRequest } from '../../src/services/index.js';
import { decodeToken, encodeToken } from '../../src/token/index.js';
import { decodeQuery } from '../../src/dns/index.js';
import { FrameDecoder, FrameType, encodeFrame } from '../../src/transport/index.js';
import { fuzzInputs, mulberry32 } from './fuzz-inputs.js';

// Wall time: on a loaded shared machine a parse is preempted for tens of milliseconds; a parser
// that loops on some input would never return, so a second is far above noise and far below that.
const HANG_MS = 1_000;

interface Target {
  name: string;
  seed: Buffer;
  /** Parses one input; throws what the parser throws. */
  parse(input: Buffer): unknown;
  json: boolean;
}

const advert: SiteAdvert = {
  ...{ type: 'site', origin: 'eu-west', epoch: 1_700_000_000_000, seq: 7, zone: 'a', region: 'r' },
  namespaces: ['shop'],
  links: [{ peer: 'us-east', cost: 1 }],
  services: [
    {
      ...{ name: 'web', namespace: 'shop', type: 'ClusterSetIP', exportedAt: 1 },
      ports: [{ port: 80, protocol: 'TCP' }],
      sessionAffinity: 'None',
      endpoints: [{ addresses: [], ready: true, zone: 'a' }],
    },
  ],
};

const dnsQuery = Buffer.from(
  '123401000001000000000000037765620473686f7009636c7573746572736574056c6f63616c0000010001',
  'hex',
);

const token = encodeToken({
  ...{ version: 1, trustDomain: 'prod.example', caFingerprint: 'ab'.repeat(32) },
  ...{ id: '0123456789abcdef0123456789abcdef', secret: Buffer.alloc(32, 7).toString('base64url') },
  ...{ issuerSite: 'eu-west', endpoints: [{ host: '10.0.0.1', port: 443 }] },
  expiresAt: new Date('2030-01-01T00:00:00Z'),
});

const frames = Buffer.concat([
  encodeFrame(FrameType.Hello, 0, encodeHello({ id: 'a', zone: 'z', region: 'r' }, 1)),
  encodeFrame(
    FrameType.Open,
    1,
    encodeOpenRequest({ service: 'web', namespace: 'shop', port: 80 }),
  ),
  encodeFrame(FrameType.Data, 1, Buffer.from('GET / HTTP/1.1\r\n\r\n')),
  encodeFrame(FrameType.Window, 1, Buffer.alloc(4, 1)),
  encodeFrame(FrameType.Fin, 1),
]);

const targets: Target[] = [
  {
    name: 'frames',
    seed: frames,
    json: false,
    parse: (input) => {
      const decoder = new FrameDecoder({ frame: () => undefined, data: () => undefined });
      // In two pieces, as a socket may deliver them.
      const cut = input.length >> 1;
      decoder.push(input.subarray(0, cut));
      decoder.push(input.subarray(cut));
    },
  },
  {
    name: 'HELLO',
    seed: encodeHello({ id: 'eu-west', zone: 'a', region: 'r' }, 1),
    json: true,
    parse: decodeHello,
  },
  {
    name: 'OPEN',
    seed: encodeOpenRequest({
      ...{ service: 'web', namespace: 'shop', port: 80, site: 'c', ttl: 3 },
      source: { site: 'a', address: '10.0.0.1', signature: 'AAAA' },
    }),
    json: true,
    parse: decodeOpenRequest,
  },
  { name: 'CONTROL (advert)', seed: encodeSiteAdvert(advert), json: true, parse: decodeControl },
  {
    name: 'CONTROL (revocation)',
    seed: encodeRevocation({
      ...{ type: 'revocation', site: 'us-east', revokedAt: 1, reason: 'x' },
      authority: { signer: 'ca', signature: 'AAAA' },
    }),
    json: true,
    parse: decodeRevocation,
  },
  {
    name: 'token',
    seed: Buffer.from(token),
    json: false,
    parse: (input) => decodeToken(input.toString('latin1')),
  },
  { name: 'DNS query', seed: dnsQuery, json: false, parse: decodeQuery },
];

function argument(flag: string, fallback: number): number {
  const at = process.argv.indexOf(flag);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

function fuzz(target: Target, count: number, seed: number) {
  const random = mulberry32(seed);
  let accepted = 0;
  let refused = 0;
  let crashes = 0;
  let hangs = 0;
  let slowest = 0;
  let baselineMs = 0;
  const firstCrash: string[] = [];
  const started = performance.now();
  for (const input of fuzzInputs(target.seed, count, random, target.json)) {
    const t0 = performance.now();
    try {
      target.parse(input);
      accepted += 1;
    } catch (err) {
      if (err instanceof CausewayError) refused += 1;
      else {
        crashes += 1;
        if (firstCrash.length < 3)
          firstCrash.push(`${(err as Error).message} on ${input.toString('base64').slice(0, 120)}`);
      }
    }
    const took = performance.now() - t0;
    slowest = Math.max(slowest, took);
    if (took > HANG_MS) {
      hangs += 1;
      // Kept to replay: on a loaded machine one may be preemption, not the parser.
      if (firstCrash.length < 3)
        firstCrash.push(
          `hang of ${took.toFixed(0)} ms on ${input.toString('base64').slice(0, 200)}`,
        );
    }
    const b0 = performance.now();
    try {
      JSON.parse(input.toString('utf8'));
    } catch {
      // the baseline only costs the time
    }
    baselineMs += performance.now() - b0;
  }
  const totalMs = performance.now() - started - baselineMs;
  return { accepted, refused, crashes, hangs, slowest, totalMs, baselineMs, firstCrash };
}

const count = argument('--inputs', 1_000_000);
const seed = argument('--seed', 1);
console.log(
  `parser fuzz: ${count} inputs per parser, seed ${seed}, hang = one input > ${HANG_MS} ms`,
);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (2 cores, shared)`,
);
let failed = false;
for (const target of targets) {
  const r = fuzz(target, count, seed);
  failed ||= r.crashes > 0 || r.hangs > 0;
  console.log(
    `${target.name.padEnd(22)} inputs ${count}  accepted ${r.accepted}  refused (typed) ${r.refused}  crashes ${r.crashes}  hangs ${r.hangs}  slowest ${r.slowest.toFixed(2)} ms  ` +
      `${((count / r.totalMs) * 1000).toFixed(0)} inputs/s (baseline JSON.parse on the same inputs: ${((count / r.baselineMs) * 1000).toFixed(0)}/s)`,
  );
  for (const line of r.firstCrash) console.log(`  crash: ${line}`);
}
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
process.exitCode = failed ? 1 : 0;
