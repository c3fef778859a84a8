import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsSkip } from '../lab/netns-skip.js';
import { formatSummary, requiredPassed } from '../tools/mcs-upstream-summary.js';
import { runOnLab } from '../tools/mcs-upstream-lab.js';

/**
 * The standard's own conformance suite (sigs.k8s.io/mcs-api/conformance, unchanged) against two
 * real-node lab clusters with Causeway installed as users install it. Fails when a Required spec
 * fails; Optional ones are printed.
 */
describe(
  'upstream MCS conformance suite on real-node clusters',
  { skip: netnsSkip, timeout: 3_600_000 },
  () => {
    it('passes every Required spec', async () => {
      const summary = await runOnLab((line) => console.log(`# ${line}`));
      for (const line of formatSummary(summary).split('\n')) console.log(`# ${line}`);
      assert.equal(summary.suiteFailure, undefined, summary.suiteFailure);
      assert.ok(requiredPassed(summary), 'a Required spec failed (see the summary above)');
    });
  },
);
