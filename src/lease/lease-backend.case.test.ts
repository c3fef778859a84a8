import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaseBackend, LeaseRecord } from './lease-backend.js';

/** A clock the contract moves by hand, so expiry is tested without sleeping. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** Creates a clock starting at a fixed, realistic epoch time. */
export function manualClock(start = 1_700_000_000_000): ManualClock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

export interface LeaseFixture {
  backend: LeaseBackend;
  clock: ManualClock;
  /** A new backend over the same storage and clock, as after a process restart. */
  reopen(): Promise<LeaseBackend>;
  cleanup(): Promise<void>;
}

/** Collects what a watch delivers; `next` waits (bounded) until the watch has said more. */
function recorder(): {
  seen: Array<LeaseRecord | undefined>;
  errors: unknown[];
  until(count: number): Promise<void>;
} {
  const seen: Array<LeaseRecord | undefined> = [];
  const errors: unknown[] = [];
  return {
    seen,
    errors,
    async until(count) {
      const deadline = Date.now() + 5_000;
      while (seen.length < count && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(
        seen.length >= count,
        `the watch delivered ${seen.length} of ${count} changes: ${JSON.stringify(seen)}`,
      );
    },
  };
}

/** The behaviour every LeaseBackend must show; each implementation's test file runs it. */
export function runLeaseContract(name: string, makeBackend: () => Promise<LeaseFixture>): void {
  async function withFixture(fn: (fixture: LeaseFixture) => Promise<void>): Promise<void> {
    const fixture = await makeBackend();
    try {
      await fn(fixture);
    } finally {
      await fixture.backend.close();
      await fixture.cleanup();
    }
  }

  describe(`${name} (lease contract)`, () => {
    it('acquires a free lease with a positive token', () =>
      withFixture(async ({ backend, clock }) => {
        const result = await backend.acquire('payments-writer', 'site-a', 10_000);
        assert.equal(result.acquired, true);
        assert.equal(result.lease.name, 'payments-writer');
        assert.equal(result.lease.holder, 'site-a');
        assert.ok(
          Number.isSafeInteger(result.lease.fencingToken) && result.lease.fencingToken >= 1,
        );
        assert.equal(result.lease.expiresAt, clock.now() + 10_000);
        assert.deepEqual(await backend.get('payments-writer'), result.lease);
      }));

    it('renewal by the holder keeps the token and extends expiry', () =>
      withFixture(async ({ backend, clock }) => {
        const first = await backend.acquire('payments-writer', 'site-a', 10_000);
        clock.advance(9_000);
        const renewed = await backend.acquire('payments-writer', 'site-a', 10_000);
        assert.equal(renewed.acquired, true);
        assert.equal(renewed.lease.fencingToken, first.lease.fencingToken);
        assert.equal(renewed.lease.expiresAt, clock.now() + 10_000);
        clock.advance(9_000); // past the first expiry, inside the renewed one
        assert.equal((await backend.get('payments-writer'))?.holder, 'site-a');
      }));

    it('refuses another holder while the lease is valid and reports the holder', () =>
      withFixture(async ({ backend, clock }) => {
        const first = await backend.acquire('payments-writer', 'site-a', 10_000);
        clock.advance(9_999);
        const refused = await backend.acquire('payments-writer', 'site-b', 10_000);
        assert.equal(refused.acquired, false);
        assert.deepEqual(refused.lease, first.lease);
      }));

    it('takeover after expiry gets a higher token, even by the same holder', () =>
      withFixture(async ({ backend, clock }) => {
        const first = await backend.acquire('payments-writer', 'site-a', 1_000);
        clock.advance(1_000);
        const takeover = await backend.acquire('payments-writer', 'site-b', 1_000);
        assert.equal(takeover.acquired, true);
        assert.ok(takeover.lease.fencingToken > first.lease.fencingToken);
        clock.advance(1_000);
        const again = await backend.acquire('payments-writer', 'site-b', 1_000);
        assert.equal(again.acquired, true);
        assert.ok(again.lease.fencingToken > takeover.lease.fencingToken);
      }));

    it('only the holder releases, and the token is not reused afterwards', () =>
      withFixture(async ({ backend }) => {
        const first = await backend.acquire('payments-writer', 'site-a', 10_000);
        assert.equal(await backend.release('payments-writer', 'site-b'), false);
        assert.equal((await backend.get('payments-writer'))?.holder, 'site-a');
        assert.equal(await backend.release('payments-writer', 'site-a'), true);
        assert.equal(await backend.get('payments-writer'), undefined);
        assert.equal(await backend.release('payments-writer', 'site-a'), false);
        const next = await backend.acquire('payments-writer', 'site-a', 10_000);
        assert.ok(next.lease.fencingToken > first.lease.fencingToken);
      }));

    it('get and list skip expired leases', () =>
      withFixture(async ({ backend, clock }) => {
        await backend.acquire('short', 'site-a', 1_000);
        const long = await backend.acquire('long', 'site-b', 5_000);
        const other = await backend.acquire('another', 'site-c', 5_000);
        assert.deepEqual(
          (await backend.list()).map((lease) => lease.name),
          ['another', 'long', 'short'],
        );
        clock.advance(2_000);
        assert.equal(await backend.get('short'), undefined);
        assert.deepEqual(await backend.list(), [other.lease, long.lease]);
        assert.equal(await backend.release('short', 'site-a'), false);
      }));

    it('exactly one of 20 concurrent acquirers wins', () =>
      withFixture(async ({ backend }) => {
        const holders = Array.from({ length: 20 }, (_, i) => `site-${i}`);
        const results = await Promise.all(
          holders.map((holder) => backend.acquire('payments-writer', holder, 10_000)),
        );
        const winners = results.filter((result) => result.acquired);
        assert.equal(winners.length, 1);
        const winner = winners[0]?.lease;
        for (const result of results) assert.deepEqual(result.lease, winner);
        assert.deepEqual(await backend.get('payments-writer'), winner);
      }));

    it('watch tells the current lease at once, then every acquire, renewal, takeover and release in order', () =>
      withFixture(async ({ backend, clock }) => {
        const first = await backend.acquire('payments-writer', 'site-a', 1_000);
        const events = recorder();
        const watch = await backend.watch('payments-writer', {
          change: (lease) => events.seen.push(lease),
          error: (err) => events.errors.push(err),
        });
        try {
          await events.until(1);
          assert.deepEqual(events.seen[0], first.lease);
          clock.advance(500);
          const renewed = await backend.acquire('payments-writer', 'site-a', 1_000);
          await events.until(2);
          assert.deepEqual(events.seen[1], renewed.lease);
          clock.advance(1_000);
          const taken = await backend.acquire('payments-writer', 'site-b', 1_000);
          await events.until(3);
          assert.deepEqual(events.seen[2], taken.lease);
          await backend.release('payments-writer', 'site-b');
          await events.until(4);
          assert.equal(events.seen[3], undefined);
          assert.deepEqual(events.errors, []);
        } finally {
          await watch.close();
        }
      }));

    it('watch delivers a stored lease even once expired (the watcher judges expiry) and stops after close', () =>
      withFixture(async ({ backend, clock }) => {
        const events = recorder();
        const watch = await backend.watch('ledger', {
          change: (lease) => events.seen.push(lease),
          error: (err) => events.errors.push(err),
        });
        await events.until(1);
        assert.equal(events.seen[0], undefined);
        const held = await backend.acquire('ledger', 'site-a', 1_000);
        await events.until(2);
        clock.advance(5_000);
        assert.equal(await backend.get('ledger'), undefined);
        assert.deepEqual(events.seen[1], held.lease);
        await watch.close();
        await backend.acquire('ledger', 'site-b', 1_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(events.seen.length, 2);
      }));

    it('tokens never decrease across a re-open of the backend', () =>
      withFixture(async (fixture) => {
        const { clock } = fixture;
        const first = await fixture.backend.acquire('payments-writer', 'site-a', 1_000);
        clock.advance(1_000);
        const second = await fixture.backend.acquire('payments-writer', 'site-b', 60_000);
        assert.equal(await fixture.backend.release('payments-writer', 'site-b'), true);
        await fixture.backend.acquire('ledger', 'site-c', 60_000);
        await fixture.backend.close();

        fixture.backend = await fixture.reopen();
        assert.equal((await fixture.backend.get('ledger'))?.holder, 'site-c');
        const third = await fixture.backend.acquire('payments-writer', 'site-a', 1_000);
        assert.equal(third.acquired, true);
        assert.ok(second.lease.fencingToken > first.lease.fencingToken);
        assert.ok(third.lease.fencingToken > second.lease.fencingToken);
      }));
  });
}
