import { watch as watchDirectory } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { replaceFile, withSiteLock } from '../config/index.js';
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
import { checkAcquireInput, checkLeaseName, decideAcquire, isLive } from './lease-decision.js';
import { LeaseFile } from './lease-store-schema.js';

export interface EmbeddedLeaseBackendOptions {
  /** The JSON file holding every lease of this host; `<path>.lock` serializes writers. */
  path: string;
  clock?: LeaseClock;
  /** How long a writer waits for the lock file before giving up. */
  lockTimeoutMs?: number;
}

/**
 * Leases for a single host, safe across processes: every change runs read-modify-write under a
 * lock file and lands by atomic rename, so readers never see a half-written file.
 */
export class EmbeddedLeaseBackend implements LeaseBackend {
  readonly #path: string;
  readonly #clock: LeaseClock;
  readonly #lockTimeoutMs: number;

  constructor(options: EmbeddedLeaseBackendOptions) {
    this.#path = options.path;
    this.#clock = options.clock ?? systemClock;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult> {
    checkAcquireInput(name, holder, ttlMs);
    return this.#change(async (file) => {
      const decision = decideAcquire(toRecord(name, file), file.tokens[name] ?? 0, {
        name,
        holder,
        ttlMs,
        now: this.#clock.now(),
      });
      switch (decision.type) {
        case 'refused':
          return decision.result;
        case 'renewed':
        case 'taken':
          file.leases[name] = stripName(decision.write);
          file.tokens[name] = decision.write.fencingToken;
          await this.#write(file);
          return decision.result;
      }
    });
  }

  async release(name: string, holder: string): Promise<boolean> {
    checkLeaseName(name);
    return this.#change(async (file) => {
      const current = toRecord(name, file);
      if (!isLive(current, this.#clock.now()) || current.holder !== holder) return false;
      // The token stays in `tokens`, so the next holder still gets a higher one.
      delete file.leases[name];
      await this.#write(file);
      return true;
    });
  }

  async get(name: string): Promise<LeaseRecord | undefined> {
    checkLeaseName(name);
    const lease = toRecord(name, await this.#read());
    return isLive(lease, this.#clock.now()) ? lease : undefined;
  }

  async list(): Promise<LeaseRecord[]> {
    const file = await this.#read();
    const now = this.#clock.now();
    return Object.keys(file.leases)
      .sort()
      .map((name) => toRecord(name, file))
      .filter((lease): lease is LeaseRecord => isLive(lease, now));
  }

  /**
   * Watches the directory, not the file: every write lands by rename, which replaces the file's
   * inode, and a watch on the old inode would go quiet after the first change.
   */
  async watch(name: string, listener: LeaseListener): Promise<LeaseWatch> {
    checkLeaseName(name);
    const directory = dirname(this.#path);
    await mkdir(directory, { recursive: true });
    let last: string | undefined;
    let reading: Promise<void> = Promise.resolve();
    // Reads run one after another, so notifications keep the order of the writes they saw.
    const reread = (): void => {
      reading = reading.then(async () => {
        let file: LeaseFile;
        try {
          file = await this.#read();
        } catch (err) {
          listener.error(err);
          return;
        }
        const lease = toRecord(name, file);
        const key =
          lease === undefined ? '' : `${lease.holder}/${lease.fencingToken}/${lease.expiresAt}`;
        if (key === last) return;
        last = key;
        listener.change(lease);
      });
    };
    const file = basename(this.#path);
    const watcher = watchDirectory(directory, { persistent: false }, (_event, changed) => {
      if (changed === null || changed === file) reread();
    });
    reread();
    await reading;
    return {
      close: async () => {
        watcher.close();
        await reading;
      },
    };
  }

  async close(): Promise<void> {
    // Nothing is held open between calls: each change takes and drops the lock file.
  }

  async #change<T>(fn: (file: LeaseFile) => Promise<T>): Promise<T> {
    await mkdir(dirname(this.#path), { recursive: true });
    return withSiteLock(
      `${this.#path}.lock`,
      async () => fn(await this.#read()),
      this.#lockTimeoutMs,
    );
  }

  async #read(): Promise<LeaseFile> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, leases: {}, tokens: {} };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new CausewayError(ErrorCode.LeaseStoreInvalid, `${this.#path} is not valid JSON`, {
        cause,
      });
    }
    const parsed = LeaseFile.safeParse(json);
    if (!parsed.success) {
      throw new CausewayError(
        ErrorCode.LeaseStoreInvalid,
        `${this.#path} is not a lease file: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  }

  async #write(file: LeaseFile): Promise<void> {
    // The pid in the temp name keeps writers apart even if a stale lock was broken while a slow
    // writer was still finishing.
    await replaceFile(this.#path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  }
}

function toRecord(name: string, file: LeaseFile): LeaseRecord | undefined {
  const stored = file.leases[name];
  return stored === undefined ? undefined : { name, ...stored };
}

function stripName(lease: LeaseRecord): LeaseFile['leases'][string] {
  return { holder: lease.holder, fencingToken: lease.fencingToken, expiresAt: lease.expiresAt };
}
