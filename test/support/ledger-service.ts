// A small ledger service for the split-brain tests, one per region: HTTP on --listen, its store in
// etcd (see LedgerStore). Writes must carry the fencing token Causeway adds for the lease holder;
// a token lower than the highest seen is refused (409), so a deposed writer cannot land a write.
// It journals the operations it applied itself, so an audit can check that no operation was
// applied by two regions. Prints one line when it listens.
// Usage: node dist/test/support/ledger-service.js --region eu --listen 127.0.0.1:8080 --etcd http://127.0.0.1:2379
// Without --region (as `node --test` runs every file under test/) it prints this usage and exits.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { LedgerStore, type LedgerOp, type OpRecord } from './ledger-store.js';

const { values } = parseArgs({
  options: {
    region: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:8080' },
    etcd: { type: 'string', default: 'http://127.0.0.1:2379' },
    'call-timeout-ms': { type: 'string', default: '1500' },
  },
});
if (values.region === undefined) {
  console.log(
    'usage: ledger-service --region <name> [--listen host:port] [--etcd urls] [--call-timeout-ms n]',
  );
  process.exit(0);
}
const region = values.region;
const store = new LedgerStore(values.etcd.split(','), Number(values['call-timeout-ms']));
/** Operations this region's ledger applied (not replays): the per-region half of the audit. */
const journal: OpRecord[] = [];
const MAX_BODY = 4_096;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-ledger-region': region,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function parseOp(body: unknown): LedgerOp | undefined {
  const o = body as Partial<LedgerOp> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.id !== 'string' ||
    typeof o.account !== 'string' ||
    !Number.isSafeInteger(o.amount) ||
    o.amount === 0
  )
    return undefined;
  return { id: o.id, account: o.account, amount: o.amount as number };
}

async function write(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = Number(req.headers['causeway-fencing-token']);
  const holder = req.headers['causeway-lease-holder'];
  if (!Number.isSafeInteger(token) || token < 1 || typeof holder !== 'string')
    return reply(res, 428, {
      error: 'writes need Causeway-Fencing-Token and Causeway-Lease-Holder',
    });
  const op = parseOp(await readJson(req).catch(() => undefined));
  if (op === undefined) return reply(res, 400, { error: 'body must be {"id","account","amount"}' });
  let result;
  try {
    result = await store.apply(op, token, holder, region);
  } catch (err) {
    // The store did not answer in time (cut off from its quorum): the outcome is unknown to us,
    // so the client must retry with the same id.
    return reply(res, 503, { error: 'store-unavailable', message: (err as Error).message });
  }
  if (result.type === 'stale')
    return reply(res, 409, {
      error: 'stale-fencing-token',
      token: result.token,
      fence: result.fence,
    });
  if (!result.replay) journal.push(result.record);
  if (!result.record.applied)
    return reply(res, 422, { declined: result.record.declined, record: result.record });
  reply(res, 200, { record: result.record, replay: result.replay });
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ledger');
  if (req.method === 'POST' && url.pathname === '/ops') return write(req, res);
  const balance = /^\/balance\/([\w-]{1,64})$/.exec(url.pathname);
  if (req.method === 'GET' && balance !== null) {
    const account = balance[1] ?? '';
    return reply(res, 200, { account, balance: await store.localBalance(account), region });
  }
  if (req.method === 'GET' && url.pathname === '/journal')
    return reply(res, 200, { region, journal });
  if (req.method === 'GET' && url.pathname === '/dump') return reply(res, 200, await store.dump());
  reply(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}` });
}

const server = createServer((req, res) => {
  route(req, res).catch((err: unknown) => reply(res, 500, { error: (err as Error).message }));
});
// Longer than the router's idle upstream timeout, so the router, not the ledger, closes idle connections.
server.keepAliveTimeout = 65_000;
const cut = values.listen.lastIndexOf(':');
server.listen(Number(values.listen.slice(cut + 1)), values.listen.slice(0, cut), () =>
  console.log(`ledger ${region} listening on ${values.listen}`),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    store.close();
    server.close();
    process.exit(0);
  });
}
