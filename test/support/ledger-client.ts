// The workload of one region in the split-brain tests, run inside the region's namespace: a
// bounded number of deposits and withdrawals through the region's import of the ledger, each
// retried with its own id until it resolves (applied or declined) or the deadline passes, and
// balance reads at a steady pace. At the end it fetches its region's ledger journal straight
// from the ledger, and writes everything as JSON to --out.
// Usage: node dist/test/support/ledger-client.js --region eu --url http://127.0.0.1:9180 --ledger http://127.0.0.1:8080 --ops 200 --out r.json
// Without --region (as `node --test` runs every file under test/) it prints this usage and exits.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../src/policy/index.js';
import type { ClientOp, ClientRead, ClientReport } from './ledger-audit.js';
import type { OpRecord } from './ledger-store.js';

const { values } = parseArgs({
  options: {
    region: { type: 'string' },
    url: { type: 'string' },
    ledger: { type: 'string' },
    ops: { type: 'string', default: '100' },
    workers: { type: 'string', default: '4' },
    accounts: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'pause-ms': { type: 'string', default: '20' },
    'read-every-ms': { type: 'string', default: '100' },
    /** No new operation starts after this; retries of started ones go on until --deadline-ms. */
    'start-window-ms': { type: 'string', default: '20000' },
    'deadline-ms': { type: 'string', default: '60000' },
    /** No new operation starts once this file exists (the chaos is over). */
    'stop-file': { type: 'string' },
    out: { type: 'string' },
  },
});

if (values.region === undefined) {
  console.log(
    'usage: ledger-client --region <name> --url <import url> --ledger <ledger url> [--ops n] [--out file]',
  );
  process.exit(0);
}
const region = values.region;
const base = new URL(values.url ?? 'http://127.0.0.1:9180');
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const random = seededRandom(
  Number(values.seed) * 7919 + [...region].reduce((h, c) => h * 31 + c.charCodeAt(0), 0),
);
const started = Date.now();
const deadline = started + Number(values['deadline-ms']);
const startWindowEnds = started + Number(values['start-window-ms']);
const refusalReasons: Record<string, number> = {};

function call(
  url: URL,
  method: string,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method,
        agent,
        timeout: 5_000,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON: keep the status only
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', () => resolve({ status: 0, json: {} }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, json: {} }));
    req.end(body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runOp(n: number): Promise<ClientOp> {
  const deposit = random() < 0.6;
  const magnitude = 1 + Math.floor(random() * 50);
  const op: ClientOp = {
    id: `${region}-${n}`,
    account: `acct-${Math.floor(random() * Number(values.accounts))}`,
    amount: deposit ? magnitude : -magnitude,
    outcome: 'unresolved',
    attempts: 0,
    refused: 0,
    ambiguous: 0,
    stale: 0,
    startedAt: Date.now(),
    endedAt: 0,
  };
  const body = JSON.stringify({ id: op.id, account: op.account, amount: op.amount });
  while (Date.now() < deadline) {
    op.attempts += 1;
    const { status, json } = await call(new URL('/ops', base), 'POST', body);
    if (status === 200 || status === 422) {
      op.outcome = status === 200 ? 'acked' : 'declined';
      break;
    }
    if (status === 503 && json['error'] === 'CW_WRITER_UNREACHABLE') {
      op.refused += 1;
      const reason = String(json['reason']);
      refusalReasons[reason] = (refusalReasons[reason] ?? 0) + 1;
    } else if (status === 409) op.stale += 1;
    else op.ambiguous += 1;
    // The same id again (idempotent), soon: Retry-After may be seconds, a takeover is faster.
    await sleep(100 + Math.floor(random() * 100));
  }
  op.endedAt = Date.now();
  return op;
}

async function worker(first: number, step: number, total: number, ops: ClientOp[]): Promise<void> {
  const stopFile = values['stop-file'];
  for (
    let n = first;
    n < total && Date.now() < startWindowEnds && (stopFile === undefined || !existsSync(stopFile));
    n += step
  ) {
    ops.push(await runOp(n));
    await sleep(Number(values['pause-ms']));
  }
}

async function reader(reads: ClientRead[], stop: () => boolean): Promise<void> {
  while (!stop()) {
    const at = Date.now();
    const { status, json } = await call(new URL('/balance/acct-0', base), 'GET');
    reads.push({ at, status, region: typeof json['region'] === 'string' ? json['region'] : null });
    await sleep(Number(values['read-every-ms']));
  }
}

const ops: ClientOp[] = [];
const reads: ClientRead[] = [];
const total = Number(values.ops);
const workers = Number(values.workers);
let writing = true;
const readers = reader(reads, () => !writing);
await Promise.all(Array.from({ length: workers }, (_, w) => worker(w, workers, total, ops)));
writing = false;
await readers;
const ledger = new URL(values.ledger ?? 'http://127.0.0.1:8080');
const journal = (await call(new URL('/journal', ledger), 'GET')).json['journal'] as
  OpRecord[] | undefined;
const report: ClientReport = {
  region,
  ops: ops.sort((a, b) => a.id.localeCompare(b.id)),
  reads,
  refusalReasons,
  journal: journal ?? [],
};
await writeFile(values.out ?? `ledger-${region}.json`, JSON.stringify(report));
agent.destroy();
console.log(
  JSON.stringify({
    region,
    ops: ops.length,
    acked: ops.filter((o) => o.outcome === 'acked').length,
    reads: reads.length,
  }),
);
