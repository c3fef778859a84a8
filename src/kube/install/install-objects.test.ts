import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  KubernetesObject,
  V1Deployment,
  V1RoleBinding,
  V1Service,
} from '@kubernetes/client-node';
import { loadDeployFolder } from './deploy-files.js';
import { customiseManifests, inApplyOrder } from './install-objects.js';

const byKindName = (objects: KubernetesObject[], kind: string, name: string): KubernetesObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  assert.ok(found, `${kind} ${name} missing`);
  return found;
};

describe('customiseManifests on the shipped deploy/manifests', () => {
  it('moves every object and reference into the chosen namespace and sets the image everywhere', async () => {
    const shipped = await loadDeployFolder('manifests');
    const binding: V1RoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'causeway-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'causeway', namespace: 'causeway-system' }],
    };
    const out = customiseManifests([...shipped, binding], {
      namespace: 'mesh',
      image: 'registry.example/causeway:1.2.3',
      linkService: 'LoadBalancer',
      siteChecksum: 'abc',
    });
    assert.equal(byKindName(out, 'Namespace', 'mesh').kind, 'Namespace');
    for (const o of out.filter((x) => x.kind !== 'Namespace'))
      assert.equal(o.metadata?.namespace, 'mesh', `${o.kind} ${o.metadata?.name}`);
    assert.equal((out.at(-1) as V1RoleBinding).subjects?.[0]?.namespace, 'mesh');
    const deployment = byKindName(out, 'Deployment', 'causeway') as V1Deployment;
    const pod = deployment.spec?.template;
    const containers = [...(pod?.spec?.initContainers ?? []), ...(pod?.spec?.containers ?? [])];
    assert.deepEqual(
      containers.map((c) => c.name),
      ['site-files', 'router', 'controller', 'site-saver'],
    );
    for (const c of containers) assert.equal(c.image, 'registry.example/causeway:1.2.3');
    for (const name of ['controller', 'site-saver']) {
      const container = pod?.spec?.containers.find((c) => c.name === name);
      assert.deepEqual(
        container?.args?.slice(container.args.indexOf('--namespace')),
        ['--namespace', 'mesh'],
        name,
      );
    }
    assert.equal(pod?.metadata?.annotations?.['causeway.io/site-checksum'], 'abc');
    for (const o of out)
      assert.equal(o.metadata?.labels?.['app.kubernetes.io/managed-by'], 'causeway');
    // The shipped objects themselves are untouched (dry-run and install share them).
    assert.equal(shipped.find((o) => o.kind === 'Namespace')?.metadata?.name, 'causeway-system');
  });
  it('makes the link Service a NodePort with a fixed port when asked, and leaves the DNS Service alone', async () => {
    const out = customiseManifests(await loadDeployFolder('manifests'), {
      namespace: 'causeway-system',
      image: 'i',
      linkService: 'NodePort',
      linkNodePort: 30443,
    });
    const link = byKindName(out, 'Service', 'causeway-link') as V1Service;
    assert.equal(link.spec?.type, 'NodePort');
    assert.equal(link.spec?.ports?.[0]?.nodePort, 30443);
    const dns = byKindName(out, 'Service', 'causeway-dns') as V1Service;
    assert.equal(dns.spec?.type, 'ClusterIP');
    assert.deepEqual(
      dns.spec?.ports?.map((p) => `${p.protocol}/${p.port}`),
      ['UDP/53', 'TCP/53'],
    );
  });
  it('orders objects so a namespace and RBAC come before what uses them', async () => {
    const kinds = inApplyOrder(await loadDeployFolder('manifests')).map((o) => o.kind);
    assert.ok(kinds.indexOf('Namespace') < kinds.indexOf('ServiceAccount'));
    assert.ok(kinds.indexOf('ServiceAccount') < kinds.indexOf('Deployment'));
    assert.equal(kinds.at(-1), 'Deployment');
  });
});
