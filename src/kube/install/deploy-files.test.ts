import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import { loadDeployFolder, parseManifests } from './deploy-files.js';

describe('parseManifests', () => {
  it('reads a leading-zero file mode as octal, as kubectl and Helm do', () => {
    const [pod] = parseManifests(
      'apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n    - secret:\n        defaultMode: 0440\n',
      'pod.yaml',
    );
    assert.deepEqual((pod as { spec: unknown }).spec, {
      volumes: [{ secret: { defaultMode: 0o440 } }],
    });
  });

  it('loads the shipped Deployment with its Secret volume group-readable (0440 = 288)', async () => {
    const objects = await loadDeployFolder('manifests');
    const deployment = objects.find((o): o is V1Deployment => o.kind === 'Deployment');
    const volume = deployment?.spec?.template.spec?.volumes?.find((v) => v.name === 'site-secret');
    assert.equal(volume?.secret?.defaultMode, 288);
  });
});
