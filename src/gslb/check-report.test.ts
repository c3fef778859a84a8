import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkVerdict, countVotes, parseCheckReport, voteKey } from './check-report.js';

describe('check reports from peers', () => {
  it('parses a report and refuses anything else without throwing', () => {
    const good = {
      checker: '127.0.0.1:9153',
      results: [{ record: 'api.x', site: 'eu', healthy: false }],
    };
    assert.deepEqual(parseCheckReport(JSON.stringify(good)), good);
    for (const bad of [
      '',
      '{',
      'null',
      '[]',
      '{"checker":""}',
      JSON.stringify({ ...good, extra: 1 }),
    ])
      assert.equal(parseCheckReport(bad), undefined, bad);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ checker: 'a', results: v })),
        ),
        (text) => {
          const report = parseCheckReport(text);
          if (report !== undefined)
            assert.ok(report.results.every((r) => typeof r.healthy === 'boolean'));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a site passes when at least the share of reporting checkers say healthy; no report, no verdict', () => {
    const report = (checker: string, healthy: boolean) => ({
      checker,
      results: [{ record: 'api', site: 'eu', healthy }],
    });
    const votes = countVotes([report('a', true), report('b', true), report('c', false)]).get(
      voteKey('api', 'eu'),
    );
    assert.deepEqual(votes, { healthy: 2, total: 3 });
    assert.equal(checkVerdict(votes, 0.5), true);
    assert.equal(checkVerdict(votes, 0.9), false);
    assert.equal(checkVerdict(undefined, 0.5), undefined);
    assert.equal(
      checkVerdict({ healthy: 0, total: 2 }, 0),
      false,
      'share 0 still needs one healthy vote',
    );
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (said, share) => {
          const healthy = said.filter(Boolean).length;
          const verdict = checkVerdict(
            countVotes(said.map((h, i) => report(String(i), h))).get(voteKey('api', 'eu')),
            share,
          );
          assert.equal(verdict, healthy > 0 && healthy / said.length >= share);
        },
      ),
    );
  });
});
