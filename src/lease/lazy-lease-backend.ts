import type {
  AcquireResult,
  LeaseBackend,
  LeaseListener,
  LeaseRecord,
  LeaseWatch,
} from './lease-backend.js';

/**
 * A lease backend whose client library loads on first use. The etcd client (gRPC, protobuf)
 * costs every process that merely imports it about a quarter of a second, and most `causeway`
 * commands and most routers never talk to etcd.
 */
export class LazyLeaseBackend implements LeaseBackend {
  #backend: Promise<LeaseBackend> | undefined;

  constructor(private readonly load: () => Promise<LeaseBackend>) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult> {
    return (await this.#loaded()).acquire(name, holder, ttlMs);
  }

  async release(name: string, holder: string): Promise<boolean> {
    return (await this.#loaded()).release(name, holder);
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    return (await this.#loaded()).get(name);
  }

  async list(): Promise<LeaseRecord[]> {
    return (await this.#loaded()).list();
  }

  async watch(name: string, listener: LeaseListener): Promise<LeaseWatch> {
    return (await this.#loaded()).watch(name, listener);
  }

  /** Closes the backend if it was ever loaded; one never used has nothing open. */
  async close(): Promise<void> {
    if (this.#backend !== undefined) await (await this.#backend).close();
  }

  #loaded(): Promise<LeaseBackend> {
    this.#backend ??= this.load();
    return this.#backend;
  }
}
