import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  KubernetesObject,
  V1CustomResourceDefinition,
  V1Deployment,
  V1Service,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { customiseManifests, loadDeployFolder } from '../../src/kube/install/index.js';
import { helmBinary } from '../support/install-tools.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { KubeReader } from '../support/kube-reader.js';
import { CHART_DIR, generatedChartFiles, presentChartFiles } from '../tools/sync-helm-chart.js';

const run = promisify(execFile);
const NS = 'causeway-system';

async function helm(args: string[]): Promise<string> {
  return (await run(helmBinary(), args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

/** Helm's output read as the API server reads it (YAML 1.1: `defaultMode: 0440` is octal). */
function objectsOf(yaml: string): KubernetesObject[] {
  return parseAllDocuments(yaml, { version: '1.1' })
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

/** What must agree between chart and plain manifests: everything but labels and annotations, which Helm adds its own of. */
function comparable(object: KubernetesObject): unknown {
  const copy = structuredClone(object) as KubernetesObject & {
    spec?: { template?: { metadata?: unknown } };
  };
  delete copy.metadata?.labels;
  delete copy.metadata?.annotations;
  if (copy.spec?.template !== undefined) delete copy.spec.template.metadata;
  return copy;
}

const key = (o: KubernetesObject): string => `${o.kind ?? ''} ${o.metadata?.name ?? ''}`;

describe('Helm chart deploy/helm/causeway (real helm, real API server)', () => {
  let cluster: KubeCluster;
  let scratch: string;
  let api: KubeReader;

  before(async () => {
    cluster = await startKubeCluster({ name: 'charted' });
    scratch = await mkdtemp(join(tmpdir(), 'causeway-helm-'));
    api = new KubeReader(cluster.kubeconfigPath, cluster.context);
  });
  after(async () => {
    await cluster?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('carries exactly the CRDs and RBAC of deploy/ (npm run chart:sync makes them)', async () => {
    const wanted = await generatedChartFiles();
    const present = await presentChartFiles();
    assert.deepEqual(
      [...present.keys()].sort(),
      [...wanted.keys()].sort(),
      'run `npm run chart:sync`',
    );
    for (const [path, text] of wanted)
      assert.equal(
        present.get(path),
        text,
        `${path} differs from deploy/; run \`npm run chart:sync\``,
      );
    assert.ok(wanted.size >= 5, 'four CRDs and the RBAC template');
  });

  it('passes helm lint --strict, and refuses to render without site.id', async () => {
    const lint = await helm(['lint', '--strict', CHART_DIR, '--set', 'site.id=us-east']);
    assert.match(lint, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    await assert.rejects(
      helm(['template', 'causeway', CHART_DIR, '-n', NS]),
      (err: { stderr?: string }) => /site\.id is required/.test(err.stderr ?? ''),
    );
  });

  it('renders the same workload as deploy/manifests and deploy/rbac', async () => {
    const rendered = objectsOf(
      await helm(['template', 'causeway', CHART_DIR, '-n', NS, '--set', 'site.id=us-east']),
    );
    const plain = customiseManifests(
      [...(await loadDeployFolder('manifests')), ...(await loadDeployFolder('rbac'))],
      { namespace: NS, image: 'causeway:0.1.0', linkService: 'LoadBalancer' },
    );
    // Helm users make the namespace with --create-namespace; everything else must match one to one.
    const expected = new Map(
      plain.filter((o) => o.kind !== 'Namespace').map((o) => [key(o), comparable(o)]),
    );
    const got = new Map(
      rendered.filter((o) => o.kind !== 'ClusterProperty').map((o) => [key(o), comparable(o)]),
    );
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [name, object] of expected)
      assert.deepEqual(got.get(name), object, `${name} differs between chart and manifests`);
    const property = rendered.find((o) => o.kind === 'ClusterProperty') as KubernetesObject & {
      spec?: { value?: string };
    };
    assert.equal(property.spec?.value, 'us-east');
  });

  it('renders a fixed NodePort for the link Service when asked', async () => {
    const rendered = objectsOf(
      await helm([
        'template',
        'causeway',
        CHART_DIR,
        '-n',
        NS,
        '--set',
        'site.id=us-east',
        '--set',
        'link.service.type=NodePort',
        '--set',
        'link.service.nodePort=30443',
      ]),
    );
    const link = rendered.find((o) => key(o) === 'Service causeway-link') as V1Service;
    assert.equal(link.spec?.type, 'NodePort');
    assert.equal(link.spec?.ports?.[0]?.nodePort, 30443);
  });

  it('serves the console only when enabled: a ClusterIP Service, a pod port and the token Secret mounted', async () => {
    const rendered = objectsOf(
      await helm([
        'template',
        'causeway',
        CHART_DIR,
        '-n',
        NS,
        '--set',
        'site.id=us-east',
        '--set',
        'console.enabled=true',
      ]),
    );
    const service = rendered.find((o) => key(o) === 'Service causeway-console') as V1Service;
    assert.equal(service.spec?.type, 'ClusterIP');
    assert.equal(service.spec?.ports?.[0]?.port, 7480);
    const deployment = rendered.find((o) => o.kind === 'Deployment') as V1Deployment;
    const router = deployment.spec?.template.spec?.containers.find((c) => c.name === 'router');
    const args = router?.args ?? [];
    assert.equal(args[args.indexOf('--console-listen') + 1], '0.0.0.0:7480');
    assert.equal(args[args.indexOf('--console-token-file') + 1], '/etc/causeway/console/token');
    assert.ok(router?.ports?.some((p) => p.name === 'console' && p.containerPort === 7480));
    const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'console-token');
    assert.equal(volume?.secret?.secretName, 'causeway-console');
    const plain = objectsOf(
      await helm(['template', 'causeway', CHART_DIR, '-n', NS, '--set', 'site.id=us-east']),
    );
    assert.equal(
      plain.find((o) => key(o) === 'Service causeway-console'),
      undefined,
    );
  });

  it('installs its CRDs into a real API server, which then accepts every rendered object (server-side dry-run)', async () => {
    const all = objectsOf(
      await helm([
        'template',
        'causeway',
        CHART_DIR,
        '-n',
        NS,
        '--set',
        'site.id=us-east',
        '--include-crds',
      ]),
    );
    const crds = all.filter((o) => o.kind === 'CustomResourceDefinition');
    assert.equal(crds.length, 4, 'the MCS pair, ClusterProperty and GlobalRecord');
    for (const crd of crds) await api.apply(crd);
    for (const crd of crds) {
      const deadline = Date.now() + 15_000;
      let established = false;
      while (!established && Date.now() < deadline) {
        const live = await api.get<V1CustomResourceDefinition>(
          'apiextensions.k8s.io/v1',
          'CustomResourceDefinition',
          crd.metadata?.name ?? '',
        );
        established =
          live?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ??
          false;
        if (!established) await sleep(100);
      }
      assert.ok(established, `${crd.metadata?.name} not Established`);
    }
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const rest = all.filter((o) => o.kind !== 'CustomResourceDefinition');
    assert.ok(rest.length >= 9);
    for (const object of rest) await api.dryRunApply(object);
  });
});
