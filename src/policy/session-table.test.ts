import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionTable } from './session-table.js';

describe('SessionTable', () => {
  it('remembers within the timeout and forgets after it', () => {
    const table = new SessionTable();
    table.record('10.0.0.1', 'a', 1_000);
    assert.equal(table.lookup('10.0.0.1', 1_500, 1_000), 'a');
    assert.equal(table.lookup('10.0.0.1', 2_500, 1_000), 'a', 'the previous lookup refreshed it');
    assert.equal(table.lookup('10.0.0.1', 3_501, 1_000), undefined);
    assert.equal(table.size, 0, 'an expired entry is dropped');
    assert.equal(table.lookup('10.0.0.2', 0, 1_000), undefined);
  });

  it('evicts the least recently used client when full', () => {
    const table = new SessionTable({ capacity: 2 });
    table.record('ip1', 'a', 0);
    table.record('ip2', 'b', 0);
    table.lookup('ip1', 1, 1_000);
    table.record('ip3', 'c', 2);
    assert.equal(table.size, 2);
    assert.equal(table.lookup('ip2', 3, 1_000), undefined);
    assert.equal(table.lookup('ip1', 3, 1_000), 'a');
    assert.equal(table.lookup('ip3', 3, 1_000), 'c');
  });

  it('re-recording a client replaces its candidate without growing', () => {
    const table = new SessionTable({ capacity: 2 });
    table.record('ip1', 'a', 0);
    table.record('ip1', 'b', 1);
    assert.equal(table.size, 1);
    assert.equal(table.lookup('ip1', 2, 1_000), 'b');
    table.forget('ip1');
    assert.equal(table.size, 0);
  });

  it('stays bounded at its default capacity', () => {
    const table = new SessionTable();
    for (let i = 0; i < table.capacity + 500; i++) table.record(`ip${i}`, 'a', i);
    assert.equal(table.size, table.capacity);
    assert.equal(table.lookup('ip0', table.capacity + 500, 1e9), undefined);
  });
});
