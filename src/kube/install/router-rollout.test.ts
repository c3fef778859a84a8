import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { deploymentReady, podFault } from './router-rollout.js';

const waiting = (name: string, reason: string, message = ''): V1Pod => ({
  status: {
    containerStatuses: [
      {
        name,
        image: 'i',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason, message } },
      },
    ],
  },
});

describe('router rollout decisions', () => {
  it("an image that cannot be pulled is a fault at once, named with the container and the kubelet's message", () => {
    for (const reason of [
      'ErrImagePull',
      'ImagePullBackOff',
      'InvalidImageName',
      'ErrImageNeverPull',
    ]) {
      assert.deepEqual(podFault(waiting('router', reason, 'not found')), {
        kind: 'image',
        container: 'router',
        reason,
        message: 'not found',
      });
    }
  });

  it('a crash loop is a fault; starting up is not', () => {
    assert.equal(podFault(waiting('controller', 'CrashLoopBackOff'))?.kind, 'crash');
    assert.equal(podFault(waiting('router', 'ContainerCreating')), undefined);
    assert.equal(podFault({ status: { phase: 'Pending' } }), undefined);
  });

  it('init containers count too (the site is restored by one)', () => {
    const pod: V1Pod = {
      status: {
        initContainerStatuses: [
          {
            name: 'restore-site',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      },
    };
    assert.equal(podFault(pod)?.container, 'restore-site');
  });

  it('Ready only when the current generation has every replica updated and Ready, and no old one left', () => {
    const d = (status: NonNullable<V1Deployment['status']>, generation = 2): V1Deployment => ({
      metadata: { generation },
      spec: { replicas: 1, selector: {}, template: {} },
      status,
    });
    assert.equal(deploymentReady(undefined), false);
    assert.equal(
      deploymentReady(
        d({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      ),
      true,
    );
    assert.equal(
      deploymentReady(
        d({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      ),
      false,
      'the new spec not yet seen',
    );
    assert.equal(
      deploymentReady(
        d({ observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1 }),
      ),
      false,
      'the old Pod still there',
    );
    assert.equal(
      deploymentReady(
        d({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 }),
      ),
      false,
    );
  });
});
