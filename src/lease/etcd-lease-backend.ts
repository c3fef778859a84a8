import { ExponentialBackoff, noop } from 'cockatiel';
import { Etcd3, type IOptions, type Namespace } from 'etcd3';
import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  systemClock,
  type AcquireResult,
  type LeaseBackend,
  type LeaseClock,
  type LeaseListener,
  type LeaseRecord,
  type LeaseWatch,
} from './lease-backend.js';
import { runCompareAndSwapRounds } from './compare-and-swap-rounds.js';
import { checkAcquireInput, checkLeaseName, decideAcquire, isLive } from './lease-decision.js';
import { callLeaseStore } from './lease-store-call.js';
import { StoredLease } from './lease-store-schema.js';
import { RevisionOrderedWatch } from './revision-ordered-watch.js';

export interface EtcdLeaseBackendOptions {
  /** Client URLs, for example `http://127.0.0.1:2379`. */
  hosts: string[];
  clock?: LeaseClock;
  /** Key prefix; leases live under `<prefix>leases/`, their token counters under `<prefix>lease-tokens/`. */
  prefix?: string;
  dialTimeoutMs?: number;
  /** How long one request may wait for etcd's answer. */
  callTimeoutMs?: number;
}

/** A key's value and the revision a compare-and-swap must still find (0 while the key is absent). */
interface Versioned<T> {
  value: T | undefined;
  modRevision: string;
}

/**
 * Leases in etcd, compare-and-swap on mod revisions. The lease key and its token counter change
 * in one transaction, so the counter only grows and survives release, expiry and restarts.
 * Expiry lives in the value and is judged by the caller's clock, like the embedded backend.
 */
export class EtcdLeaseBackend implements LeaseBackend {
  readonly #client: Etcd3;
  readonly #kv: Namespace;
  readonly #clock: LeaseClock;

  constructor(options: EtcdLeaseBackendOptions) {
    const clientOptions: IOptions = {
      hosts: options.hosts,
      dialTimeout: options.dialTimeoutMs ?? 2_000,
      // A request that gets no answer (a member cut off from its quorum) fails instead of hanging,
      // so a holder loop tries again on its own schedule.
      defaultCallOptions: (context) =>
        context.isStream ? {} : { deadline: Date.now() + (options.callTimeoutMs ?? 2_000) },
      faultHandling: {
        // The client's default circuit breaker fails every call for 5 s after three errors: the
        // few errors of an etcd leader election would then delay a lease takeover by seconds.
        host: () => noop,
        global: noop,
        // A watch stream that broke reconnects within a second, not the default 30 s at worst.
        watchBackoff: new ExponentialBackoff({
          initialDelay: 100,
          maxDelay: 1_000,
        }) as unknown as NonNullable<IOptions['faultHandling']>['watchBackoff'],
      },
    };
    this.#client = new Etcd3(clientOptions);
    this.#kv = this.#client.namespace(options.prefix ?? '/causeway/');
    this.#clock = options.clock ?? systemClock;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult> {
    checkAcquireInput(name, holder, ttlMs);
    return this.#withRetries(name, async () => {
      const lease = await this.#readLease(name);
      const token = await this.#readToken(name);
      const decision = decideAcquire(lease.value, token.value ?? 0, {
        name,
        holder,
        ttlMs,
        now: this.#clock.now(),
      });
      if (decision.type === 'refused') return decision.result;
      const txn = this.#kv
        .if(leaseKey(name), 'Mod', '==', lease.modRevision)
        .and(tokenKey(name), 'Mod', '==', token.modRevision);
      const writeLease = this.#kv.put(leaseKey(name)).value(encodeLease(decision.write));
      const { succeeded } =
        decision.type === 'taken'
          ? await txn
              .then(writeLease, this.#kv.put(tokenKey(name)).value(String(decision.lastToken)))
              .commit()
          : await txn.then(writeLease).commit();
      return succeeded ? decision.result : undefined;
    });
  }

  async release(name: string, holder: string): Promise<boolean> {
    checkLeaseName(name);
    return this.#withRetries(name, async () => {
      const lease = await this.#readLease(name);
      if (!isLive(lease.value, this.#clock.now()) || lease.value.holder !== holder) return false;
      // Only the lease key goes; the token counter stays so the next holder gets a higher token.
      const { succeeded } = await this.#kv
        .if(leaseKey(name), 'Mod', '==', lease.modRevision)
        .then(this.#kv.delete().key(leaseKey(name)))
        .commit();
      return succeeded ? true : undefined;
    });
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    checkLeaseName(name);
    const { value } = await this.#call(name, () => this.#readLease(name));
    return isLive(value, this.#clock.now()) ? value : undefined;
  }

  async list(): Promise<LeaseRecord[]> {
    const stored = await this.#call('*', () => this.#kv.getAll().prefix(leaseKey('')).strings());
    const now = this.#clock.now();
    return Object.entries(stored)
      .map(([key, text]) => decodeLease(key.slice(leaseKey('').length), text))
      .filter((lease) => isLive(lease, now))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * An etcd watch on the lease key. Each (re)connection of the watch stream is followed by a read;
   * events and reads are told in revision order (see RevisionOrderedWatch).
   */
  async watch(name: string, listener: LeaseListener): Promise<LeaseWatch> {
    checkLeaseName(name);
    const ordered = new RevisionOrderedWatch(listener);
    const resync = async (): Promise<void> => {
      try {
        const response = await this.#kv.get(leaseKey(name)).exec();
        const kv = response.kvs[0];
        ordered.deliver(Number(response.header.revision), () =>
          kv === undefined ? undefined : decodeLease(name, kv.value.toString('utf8')),
        );
      } catch (err) {
        ordered.error(err);
      }
    };
    const watcher = await this.#call(name, () => this.#kv.watch().key(leaseKey(name)).create());
    watcher.on('put', (kv) =>
      ordered.deliver(Number(kv.mod_revision), () => decodeLease(name, kv.value.toString('utf8'))),
    );
    watcher.on('delete', (kv) => ordered.deliver(Number(kv.mod_revision), () => undefined));
    watcher.on('connected', () => void resync());
    watcher.on('disconnected', (err) => ordered.error(err));
    watcher.on('error', (err) => ordered.error(err));
    await resync();
    return {
      close: () => {
        ordered.close();
        return watcher.cancel();
      },
    };
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  async #readLease(name: string): Promise<Versioned<LeaseRecord>> {
    const kv = (await this.#kv.get(leaseKey(name)).exec()).kvs[0];
    if (kv === undefined) return { value: undefined, modRevision: '0' };
    return { value: decodeLease(name, kv.value.toString('utf8')), modRevision: kv.mod_revision };
  }

  async #readToken(name: string): Promise<Versioned<number>> {
    const kv = (await this.#kv.get(tokenKey(name)).exec()).kvs[0];
    if (kv === undefined) return { value: undefined, modRevision: '0' };
    const token = Number(kv.value.toString('utf8'));
    if (!Number.isSafeInteger(token) || token < 0) {
      throw new CausewayError(
        ErrorCode.LeaseStoreInvalid,
        `token counter of lease ${name} is not an integer`,
      );
    }
    return { value: token, modRevision: kv.mod_revision };
  }

  async #withRetries<T>(name: string, round: () => Promise<T | undefined>): Promise<T> {
    return runCompareAndSwapRounds(name, round, (fn) => this.#call(name, fn));
  }

  /** Turns client failures into typed errors. */
  #call<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return callLeaseStore(
      fn,
      (cause) =>
        new CausewayError(ErrorCode.BackendUnreachable, `etcd request for lease ${name} failed`, {
          cause,
          hint: 'check that etcd is running and reachable at the configured hosts',
        }),
    );
  }
}

function leaseKey(name: string): string {
  return `leases/${name}`;
}

function tokenKey(name: string): string {
  return `lease-tokens/${name}`;
}

function encodeLease(lease: LeaseRecord): string {
  return JSON.stringify({
    holder: lease.holder,
    fencingToken: lease.fencingToken,
    expiresAt: lease.expiresAt,
  });
}

function decodeLease(name: string, text: string): LeaseRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CausewayError(
      ErrorCode.LeaseStoreInvalid,
      `lease ${name} in etcd is not valid JSON`,
      { cause },
    );
  }
  const parsed = StoredLease.safeParse(json);
  if (!parsed.success) {
    throw new CausewayError(
      ErrorCode.LeaseStoreInvalid,
      `lease ${name} in etcd is malformed: ${parsed.error.message}`,
    );
  }
  return { name, ...parsed.data };
}
