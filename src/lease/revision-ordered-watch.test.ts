import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaseRecord } from './lease-backend.js';
import { RevisionOrderedWatch } from './revision-ordered-watch.js';

const record = (holder: string, fencingToken: number): LeaseRecord => ({
  name: 'ledger',
  holder,
  fencingToken,
  expiresAt: 1_000,
});

function watched(): {
  watch: RevisionOrderedWatch;
  seen: Array<string | undefined>;
  errors: unknown[];
} {
  const seen: Array<string | undefined> = [];
  const errors: unknown[] = [];
  const watch = new RevisionOrderedWatch({
    change: (lease) => seen.push(lease?.holder),
    error: (err) => errors.push(err),
  });
  return { watch, seen, errors };
}

describe('RevisionOrderedWatch', () => {
  it('drops a record no newer than the last one told, such as a read answered late', () => {
    const { watch, seen } = watched();
    watch.deliver(5, () => record('a', 1));
    watch.deliver(7, () => record('b', 2));
    watch.deliver(6, () => record('a', 1));
    watch.deliver(7, () => record('b', 2));
    watch.deliver(9, () => undefined);
    assert.deepEqual(seen, ['a', 'b', undefined]);
  });

  it('tells a record that does not decode as an error, and a later good one still', () => {
    const { watch, seen, errors } = watched();
    watch.deliver(3, () => {
      throw new Error('malformed');
    });
    watch.deliver(3, () => record('a', 1));
    assert.deepEqual(seen, ['a']);
    assert.equal(errors.length, 1);
  });

  it('tells nothing once closed', () => {
    const { watch, seen, errors } = watched();
    watch.close();
    watch.deliver(1, () => record('a', 1));
    watch.error(new Error('gone'));
    assert.deepEqual([seen, errors, watch.closed], [[], [], true]);
  });
});
