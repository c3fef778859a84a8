import { noop } from 'cockatiel';
import { Etcd3, type Namespace } from 'etcd3';

/** One ledger operation as a client sends it: `amount` > 0 deposits, < 0 withdraws. */
export interface LedgerOp {
  id: string;
  account: string;
  amount: number;
}

/** The stored outcome of an operation: the only record of it, written once. */
export interface OpRecord extends LedgerOp {
  applied: boolean;
  /** Why it was not applied (insufficient funds); absent when applied. */
  declined?: 'insufficient-funds';
  fencingToken: number;
  /** The holder the router named in Causeway-Lease-Holder. */
  holder: string;
  /** The region whose ledger wrote it. */
  region: string;
  balanceAfter: number;
  at: number;
}

export type ApplyResult =
  | { type: 'done'; record: OpRecord; replay: boolean }
  /** The token is lower than the highest the store has seen: a deposed holder's write. */
  | { type: 'stale'; token: number; fence: number };

const MAX_ROUNDS = 32;

/**
 * The ledger's shared truth: balances, every operation by id, and the highest fencing token
 * seen, kept in etcd and changed only by compare-and-swap transactions. An operation is written
 * once under its id (a retry finds it and gets the same answer: exactly once), and a write whose
 * token is lower than the fence is refused (a deposed holder cannot write after its successor).
 */
export class LedgerStore {
  readonly #client: Etcd3;
  readonly #kv: Namespace;

  constructor(hosts: string[], callTimeoutMs = 1_500) {
    this.#client = new Etcd3({
      hosts,
      dialTimeout: callTimeoutMs,
      defaultCallOptions: (context) =>
        context.isStream ? {} : { deadline: Date.now() + callTimeoutMs },
      faultHandling: { host: () => noop, global: noop },
    });
    this.#kv = this.#client.namespace('/ledger/');
  }

  async apply(op: LedgerOp, token: number, holder: string, region: string): Promise<ApplyResult> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const [fence, existing, balance] = await Promise.all([
        this.#read('fence'),
        this.#read(`ops/${op.id}`),
        this.#read(`balances/${op.account}`),
      ]);
      if (existing.value !== undefined)
        return { type: 'done', record: JSON.parse(existing.value) as OpRecord, replay: true };
      const highest = fence.value === undefined ? 0 : Number(fence.value);
      if (token < highest) return { type: 'stale', token, fence: highest };
      const before = balance.value === undefined ? 0 : Number(balance.value);
      const applied = before + op.amount >= 0;
      const record: OpRecord = {
        ...op,
        applied,
        ...(applied ? {} : { declined: 'insufficient-funds' as const }),
        fencingToken: token,
        holder,
        region,
        balanceAfter: applied ? before + op.amount : before,
        at: Date.now(),
      };
      // The fence is written only when it rises, so writers of one term do not conflict on it.
      const writes = [this.#kv.put(`ops/${op.id}`).value(JSON.stringify(record))];
      if (token > highest) writes.push(this.#kv.put('fence').value(String(token)));
      if (applied)
        writes.push(this.#kv.put(`balances/${op.account}`).value(String(record.balanceAfter)));
      const { succeeded } = await this.#kv
        .if('fence', 'Mod', '==', fence.modRevision)
        .and(`ops/${op.id}`, 'Mod', '==', '0')
        .and(`balances/${op.account}`, 'Mod', '==', balance.modRevision)
        .then(...writes)
        .commit();
      if (succeeded) return { type: 'done', record, replay: false };
    }
    throw new Error(`operation ${op.id} kept conflicting for ${MAX_ROUNDS} rounds`);
  }

  /** The balance as this member has it (serializable: answered locally, even cut off from the quorum). */
  async localBalance(account: string): Promise<number> {
    const value = await this.#kv.get(`balances/${account}`).serializable(true).string();
    return value === null ? 0 : Number(value);
  }

  /** Every operation record and balance (linearizable: for the audit, once healed). */
  async dump(): Promise<{ ops: OpRecord[]; balances: Record<string, number>; fence: number }> {
    const ops = await this.#kv.getAll().prefix('ops/').strings();
    const balances = await this.#kv.getAll().prefix('balances/').strings();
    const fence = await this.#kv.get('fence').string();
    return {
      ops: Object.values(ops).map((text) => JSON.parse(text) as OpRecord),
      balances: Object.fromEntries(
        Object.entries(balances).map(([key, value]) => [
          key.slice('balances/'.length),
          Number(value),
        ]),
      ),
      fence: fence === null ? 0 : Number(fence),
    };
  }

  close(): void {
    this.#client.close();
  }

  async #read(key: string): Promise<{ value: string | undefined; modRevision: string }> {
    const kv = (await this.#kv.get(key).exec()).kvs[0];
    return kv === undefined
      ? { value: undefined, modRevision: '0' }
      : { value: kv.value.toString('utf8'), modRevision: kv.mod_revision };
  }
}
