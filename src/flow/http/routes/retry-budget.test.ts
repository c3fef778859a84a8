import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('allows retries up to the percentage of requests, with a floor for quiet routes', () => {
    let now = 0;
    const budget = new RetryBudget(20, () => now);
    for (let i = 0; i < 1000; i++) budget.request();
    let allowed = 0;
    for (let i = 0; i < 1000; i++) if (budget.tryRetry()) allowed += 1;
    assert.equal(allowed, 200);
    now = 25_000; // two windows later the counts are forgotten
    let quiet = 0;
    for (let i = 0; i < 100; i++) if (budget.tryRetry()) quiet += 1;
    assert.equal(quiet, 10);
  });
});
