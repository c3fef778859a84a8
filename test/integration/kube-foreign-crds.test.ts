// Clusters whose MCS CRDs are not Causeway's: none at all, only v1alpha1 (as Submariner's Lighthouse,
// on mcs-api v0.1, installs them), and a version Causeway does not speak. Real API servers and the
// real CLI: the controller installs what is absent, coexists with v1alpha1, and refuses the rest.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  collectionPath,
  objectPath,
  Resources,
  serviceExports,
  serviceImports,
  type CustomResourceDefinition,
  type ServiceExport,
  type ServiceImport,
} from '../../src/kube/index.js';
import { runCli } from '../support/cli-runner.js';
import { startLabNameServer } from '../support/kube-lab-backend.js';
import { CONTROLLER_NAMESPACE, KubeClusterset } from '../support/kube-clusterset.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { join } from 'node:path';

const CRD_DIR = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/') ? '../../../deploy/crds/' : '../../deploy/crds/',
    import.meta.url,
  ),
);
const MCS_CRDS = ['serviceexports.multicluster.x-k8s.io', 'serviceimports.multicluster.x-k8s.io'];

/** Causeway's CRD cut down to one version under another name and owner: what another implementation installs. */
async function foreignCrd(
  name: string,
  keep: string,
  servedAs: string,
): Promise<CustomResourceDefinition> {
  const crd = parse(
    await readFile(join(CRD_DIR, `${name}.yaml`), 'utf8'),
  ) as CustomResourceDefinition & {
    spec: { versions: Array<{ name: string; served: boolean; storage: boolean }> };
  };
  const version = crd.spec.versions.find((v) => v.name === keep);
  assert.ok(version !== undefined);
  crd.metadata = { name, labels: { 'app.kubernetes.io/managed-by': 'other-mcs' } };
  crd.spec.versions = [{ ...version, name: servedAs, served: true, storage: true }];
  return crd;
}

const crdPath = (name: string): string => objectPath(Resources.crds, name);

describe("kube controller and install with MCS CRDs that are not Causeway's", () => {
  let set: KubeClusterset;
  const backends: ChildProcess[] = [];

  before(async () => {
    set = await KubeClusterset.create(['east', 'west', 'north'], ['east', 'west']);
    for (const name of MCS_CRDS) {
      await set.create(
        'west',
        collectionPath(Resources.crds),
        await foreignCrd(name, 'v1alpha1', 'v1alpha1'),
      );
      await set.create(
        'north',
        collectionPath(Resources.crds),
        await foreignCrd(name, 'v1beta1', 'v1'),
      );
    }
    await set.startController('east');
    await set.startController('west');
  });

  after(async () => {
    await set?.close();
    for (const b of backends) b.kill();
  });

  it('a cluster without them: the controller installs the MCS CRDs and speaks v1beta1', async () => {
    for (const name of MCS_CRDS) {
      const crd = await set.rest('east').get<CustomResourceDefinition>(crdPath(name));
      assert.deepEqual(
        crd?.spec.versions.filter((v) => v.served).map((v) => v.name),
        ['v1beta1', 'v1alpha1'],
        name,
      );
    }
    assert.match(
      await set.controllerLog('east'),
      /"mcsVersion":"v1beta1"[^\n]*kube controller started/,
    );
  });

  it('a cluster with v1alpha1-only CRDs of another implementation: they are kept as they are, and the controller imports and exports through v1alpha1', async () => {
    assert.match(
      await set.controllerLog('west'),
      /"mcsVersion":"v1alpha1"[^\n]*kube controller started/,
    );
    for (const name of MCS_CRDS) {
      const crd = await set.rest('west').get<CustomResourceDefinition>(crdPath(name));
      assert.deepEqual(
        crd?.spec.versions.map((v) => v.name),
        ['v1alpha1'],
        `${name} is left as it was`,
      );
      assert.equal(crd?.metadata.labels?.['app.kubernetes.io/managed-by'], 'other-mcs');
    }
    for (const cluster of ['east', 'west']) await set.namespace(cluster, 'shop');
    const backend = await startLabNameServer(set.lab, 'east-web', `${set.lab.prefix}.30.1`);
    backends.push(backend.child);
    await set.service('east', 'shop', 'web', [{ name: 'tcp', port: 80 }]);
    await set.endpointSlice('east', 'shop', 'web', { name: 'tcp', port: backend.port }, [
      { address: backend.host },
    ]);
    await set.serviceExport('east', 'shop', 'web');
    const imported = await set.waitFor('a v1alpha1 ServiceImport in west', async () => {
      const si = await set
        .rest('west')
        .get<ServiceImport>(objectPath(serviceImports('v1alpha1'), 'web', 'shop'));
      return (si?.spec?.ips ?? []).length > 0 && (si?.status?.clusters ?? []).length > 0
        ? si
        : undefined;
    });
    assert.equal(imported.apiVersion, 'multicluster.x-k8s.io/v1alpha1');
    await set.service('west', 'shop', 'api', [{ name: 'tcp', port: 81 }]);
    await set.create('west', collectionPath(serviceExports('v1alpha1'), 'shop'), {
      apiVersion: 'multicluster.x-k8s.io/v1alpha1',
      kind: 'ServiceExport',
      metadata: { name: 'api', namespace: 'shop' },
    });
    const exported = await set.waitFor('status on the v1alpha1 ServiceExport in west', async () => {
      const se = await set
        .rest('west')
        .get<ServiceExport>(objectPath(serviceExports('v1alpha1'), 'api', 'shop'));
      return (se?.status?.conditions ?? []).length > 0 ? se : undefined;
    });
    assert.ok(
      exported.status?.conditions?.some((c) => c.type === 'Valid' && c.status === 'True'),
      JSON.stringify(exported.status),
    );
  });

  it('a cluster whose CRDs serve no version Causeway speaks: the controller exits at once naming the CRD and the fix, not a crash loop of unknowns', async () => {
    const north = set.clusters.get('north');
    assert.ok(north !== undefined);
    const result = await runCli(
      [
        'kube',
        'controller',
        '--dir',
        set.fx.dir('north'),
        '--kubeconfig',
        north.kubeconfigPath,
        '--context',
        north.context,
        '--namespace',
        CONTROLLER_NAMESPACE,
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(result.code, 4, `${result.stderr}\n${result.stdout}`);
    assert.match(
      result.stderr,
      /CRD serviceexports\.multicluster\.x-k8s\.io is installed \(not by Causeway\) but serves v1, none of v1beta1, v1alpha1/,
    );
    assert.match(
      result.stderr,
      /hint: serve v1beta1 or v1alpha1 in it, or let Causeway install its own: kubectl delete crd serviceexports\.multicluster\.x-k8s\.io/,
    );
  });

  it('kube install refuses that cluster before changing anything (exit 4), naming the context, the CRD and the fix', async () => {
    const north = set.clusters.get('north');
    assert.ok(north !== undefined);
    const kubeconfig = await writeKubeconfig(join(set.fx.root, 'north-install.kubeconfig'), [
      north,
    ]);
    const result = await runCli(
      [
        'kube',
        'install',
        '--kubeconfig',
        kubeconfig,
        '--context',
        north.context,
        '--site',
        'north',
        '--zone',
        'north-a',
        '--region',
        'north',
        '--namespace',
        'cw-north',
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 4, `${result.stderr}\n${result.stdout}`);
    assert.match(
      result.stderr,
      new RegExp(
        `context ${north.context}: CRD serviceexports\\.multicluster\\.x-k8s\\.io is installed \\(not by Causeway\\) but serves v1`,
      ),
    );
    assert.match(result.stderr, /hint: /);
    assert.equal(
      await set.rest('north').get(crdPath('clusterproperties.about.k8s.io')),
      undefined,
      'no CRD was applied',
    );
    assert.equal(
      await set.rest('north').get(objectPath(Resources.namespaces, 'cw-north')),
      undefined,
      'no namespace was created',
    );
  });
});
