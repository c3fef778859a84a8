import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LOCAL_ANSWER, REMOTE_ANSWER, parseUniqCounts, verdicts } from './cilium-exercise.js';

describe('Cilium exercise: reading the curl loop', () => {
  it('parses `sort | uniq -c | sort -rn` output, ignoring other lines', () => {
    const output = `Testing cross-cluster load balancing...\n     11 ${LOCAL_ANSWER}\n      9 ${REMOTE_ANSWER}\n`;
    assert.deepEqual(parseUniqCounts(output), { [LOCAL_ANSWER]: 11, [REMOTE_ANSWER]: 9 });
  });

  it('judges the three distributions as the exercise states them', () => {
    const ok = verdicts({
      even: { [LOCAL_ANSWER]: 15, [REMOTE_ANSWER]: 5 },
      affinityLocal: { [LOCAL_ANSWER]: 18, [REMOTE_ANSWER]: 2 },
      localScaledToZero: { [REMOTE_ANSWER]: 20 },
    });
    assert.ok(ok.every(([, pass]) => pass));
    const bad = verdicts({
      even: { [LOCAL_ANSWER]: 20 },
      affinityLocal: { [LOCAL_ANSWER]: 17, [REMOTE_ANSWER]: 3 },
      localScaledToZero: { [REMOTE_ANSWER]: 19 },
    });
    assert.deepEqual(
      bad.map(([, pass]) => pass),
      [false, false, false],
    );
  });

  it('never throws on hostile pod output, and counts are whole numbers', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        for (const n of Object.values(parseUniqCounts(text)))
          assert.ok(Number.isInteger(n) && n >= 0);
      }),
    );
  });
});
