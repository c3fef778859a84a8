import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsSkip } from '../lab/netns-skip.js';
import { startNodeLab } from '../support/kube-node-lab.js';
import { runCiliumExercise, verdicts } from '../tools/cilium-exercise.js';

/**
 * The Cilium Cluster Mesh hands-on exercise, manifests verbatim, on two real-node clusters with
 * Causeway installed and linked as users do (what `npm run exercise:cilium` prints).
 */
describe(
  'Cilium Cluster Mesh exercise on real-node clusters',
  { skip: netnsSkip, timeout: 1_800_000 },
  () => {
    it('answers from both clusters; affinity local keeps at least 18 of 20 local; local replicas at 0 send all 20 remote', async () => {
      const lab = await startNodeLab({ clusters: ['cluster-a', 'cluster-b'] });
      try {
        const result = await runCiliumExercise(lab, (line) => console.log(`# ${line}`));
        console.log(`# distributions: ${JSON.stringify(result)}`);
        for (const [what, ok] of verdicts(result))
          assert.ok(ok, `${what}: ${JSON.stringify(result)}`);
      } finally {
        await lab.stop();
      }
    });
  },
);
