import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Namespace,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { parseSiteConfig } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { writeKubeconfig } from '../support/kubeconfig.js';
import { KubeReader } from '../support/kube-reader.js';
import { KUBEADM_COREFILE } from '../../src/kube/install/kubeadm-corefile.fixture.js';

const NS = 'causeway-system';

/** Polls `check` every 100 ms for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

describe('causeway kube install / uninstall / dns on real API servers', () => {
  let east: KubeCluster;
  let west: KubeCluster;
  let scratch: string;
  let kubeconfig: string;
  let eastApi: KubeReader;
  let westApi: KubeReader;

  const kube = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
    runCli(['kube', ...args, '--kubeconfig', kubeconfig], { timeoutMs });
  const ok = async (args: string[]): Promise<CliResult> => {
    const result = await kube(args);
    assert.equal(
      result.code,
      0,
      `causeway kube ${args.join(' ')} exited ${result.code}: ${result.stderr}`,
    );
    return result;
  };
  const ok2 = async (args: string[]): Promise<CliResult> => {
    const result = await runCli(args);
    assert.equal(
      result.code,
      0,
      `causeway ${args.join(' ')} exited ${result.code}: ${result.stderr}`,
    );
    return result;
  };
  const install = (context: string, site: string, extra: string[] = []): Promise<CliResult> =>
    ok([
      'install',
      '--context',
      context,
      '--site',
      site,
      '--zone',
      `${site}-a`,
      '--region',
      site,
      '--output',
      'json',
      ...extra,
    ]);

  before(async () => {
    [east, west] = await Promise.all([
      startKubeCluster({ name: 'east' }),
      startKubeCluster({ name: 'west' }),
    ]);
    scratch = await mkdtemp(join(tmpdir(), 'causeway-kube-install-'));
    kubeconfig = await writeKubeconfig(join(scratch, 'kubeconfig'), [east, west]);
    eastApi = new KubeReader(kubeconfig, 'east');
    westApi = new KubeReader(kubeconfig, 'west');
  });
  after(async () => {
    await Promise.all([east?.stop(), west?.stop()]);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('installs a site with CRDs, RBAC, Secret, ClusterProperty, Deployment and Services; a second run changes nothing but keeps the keys', async () => {
    const first = JSON.parse((await install('east', 'us-east')).stdout) as {
      siteCreated: boolean;
      applied: string[];
    };
    assert.equal(first.siteCreated, true);
    const secret = await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
    const siteYaml = Buffer.from(secret?.data?.['site.yaml'] ?? '', 'base64').toString();
    const config = parseSiteConfig(siteYaml);
    assert.equal(config.site.id, 'us-east');
    assert.equal(config.site.zone, 'us-east-a');
    assert.equal(config.link.listen, '0.0.0.0:7443');
    assert.equal(config.dns.listen, '0.0.0.0:5353');
    for (const file of ['site.key', 'site.crt', 'ca.crt', 'ca.key'])
      assert.ok((secret?.data?.[file] ?? '').length > 0, `Secret lacks ${file}`);

    const second = JSON.parse((await install('east', 'us-east')).stdout) as {
      siteCreated: boolean;
      applied: string[];
    };
    assert.equal(second.siteCreated, false);
    assert.deepEqual(second.applied, first.applied);
    const again = await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
    assert.equal(
      again?.data?.['site.key'],
      secret?.data?.['site.key'],
      'a re-run must keep the site key',
    );
    assert.equal(
      again?.metadata?.resourceVersion,
      secret?.metadata?.resourceVersion,
      'a re-run must not rewrite the Secret',
    );

    for (const crd of [
      'serviceexports.multicluster.x-k8s.io',
      'serviceimports.multicluster.x-k8s.io',
      'clusterproperties.about.k8s.io',
      'globalrecords.causeway.io',
    ]) {
      assert.ok(
        await eastApi.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd),
        `CRD ${crd}`,
      );
    }
    const property = await eastApi.get<KubernetesObject & { spec?: { value?: string } }>(
      'about.k8s.io/v1alpha1',
      'ClusterProperty',
      'cluster.clusterset.k8s.io',
    );
    assert.equal(property?.spec?.value, 'us-east');
    assert.ok(await eastApi.get('v1', 'ServiceAccount', 'causeway', NS));
    const deployment = await eastApi.get<V1Deployment>('apps/v1', 'Deployment', 'causeway', NS);
    assert.deepEqual(
      deployment?.spec?.template.spec?.containers.map((c) => c.name),
      ['router', 'controller', 'site-saver'],
    );
    assert.equal(deployment?.spec?.template.spec?.serviceAccountName, 'causeway');
    assert.equal(
      deployment?.spec?.template.spec?.volumes?.find((v) => v.name === 'site-secret')?.secret
        ?.secretName,
      'causeway-site',
    );
    // The manifest says 0440 (octal, as kubectl and Helm read it): 288, not decimal 440 (0670).
    assert.equal(
      deployment?.spec?.template.spec?.volumes?.find((v) => v.name === 'site-secret')?.secret
        ?.defaultMode,
      0o440,
    );
    const link = await eastApi.get<V1Service>('v1', 'Service', 'causeway-link', NS);
    assert.equal(link?.spec?.type, 'LoadBalancer');
    const dns = await eastApi.get<V1Service>('v1', 'Service', 'causeway-dns', NS);
    assert.equal(dns?.spec?.type, 'ClusterIP');
    assert.match(dns?.spec?.clusterIP ?? '', /^10\.96\.\d+\.\d+$/);
    assert.deepEqual(
      dns?.spec?.ports?.map((p) => `${p.protocol}/${p.port}`),
      ['UDP/53', 'TCP/53'],
    );
  });

  it('offers the link port as a fixed NodePort when asked', async () => {
    await install('west', 'eu-west', [
      '--link-service',
      'NodePort',
      '--link-node-port',
      '30443',
      '--advertise',
      '203.0.113.7:30443',
    ]);
    const link = await westApi.get<V1Service>('v1', 'Service', 'causeway-link', NS);
    assert.equal(link?.spec?.type, 'NodePort');
    assert.equal(link?.spec?.ports?.[0]?.nodePort, 30443);
    const secret = await westApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
    assert.deepEqual(
      parseSiteConfig(Buffer.from(secret?.data?.['site.yaml'] ?? '', 'base64').toString()).link
        .advertise,
      ['203.0.113.7:30443'],
    );
  });

  it('refuses to make a cluster another site (exit 4), naming both ids', async () => {
    const result = await kube([
      'install',
      '--context',
      'east',
      '--site',
      'eu-west',
      '--zone',
      'a',
      '--region',
      'r',
    ]);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /context east is site us-east, not eu-west/);
    assert.match(result.stderr, /causeway kube uninstall --context east/);
  });

  it('dry-run prints YAML that round-trips, holds no key material, changes nothing, and the API server accepts', async () => {
    const result = await ok([
      'install',
      '--context',
      'west',
      '--site',
      'ap-south',
      '--zone',
      'a',
      '--region',
      'r',
      '--dry-run',
      '--namespace',
      'cw-dry',
    ]);
    assert.doesNotMatch(result.stdout, /PRIVATE KEY|BEGIN CERTIFICATE/);
    const docs = parseAllDocuments(result.stdout)
      .map((d) => d.toJS() as KubernetesObject)
      .filter((o) => o !== null);
    const kinds = docs.map((d) => d.kind);
    for (const kind of [
      'CustomResourceDefinition',
      'Namespace',
      'ServiceAccount',
      'ClusterProperty',
      'Service',
      'Deployment',
    ])
      assert.ok(kinds.includes(kind), `dry-run lacks ${kind}`);
    assert.ok(!kinds.includes('Secret'), 'dry-run must not print the site Secret');
    for (const doc of docs) assert.deepEqual(parseAllDocuments(stringify(doc))[0]?.toJS(), doc);
    assert.equal(
      await westApi.get<V1Namespace>('v1', 'Namespace', 'cw-dry'),
      undefined,
      'dry-run created the namespace',
    );
    // The CRDs exist in west already, so every printed object can go through server-side dry-run.
    const namespace = docs.find((d) => d.kind === 'Namespace');
    assert.ok(namespace);
    await westApi.apply(namespace);
    for (const doc of docs.filter(
      (d) => d.kind !== 'Namespace' && d.kind !== 'CustomResourceDefinition',
    ))
      await westApi.dryRunApply(doc);
  });

  it('kube dns prints the block for the causeway-dns ClusterIP and --apply edits the coredns ConfigMap once', async () => {
    const dns = await eastApi.get<V1Service>('v1', 'Service', 'causeway-dns', NS);
    const ip = dns?.spec?.clusterIP ?? '';
    const printed = await ok(['dns', '--context', 'east']);
    assert.match(
      printed.stdout,
      new RegExp(
        `clusterset\\.local:53 \\{\\n {4}errors\\n {4}forward \\. ${ip.replace(/\./g, '\\.')}\\n\\}`,
      ),
    );

    const missing = await kube(['dns', '--context', 'east', '--apply']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ConfigMap kube-system\/coredns does not exist/);

    await eastApi.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: KUBEADM_COREFILE },
    });
    const applied = await ok(['dns', '--context', 'east', '--apply', '--output', 'json']);
    assert.equal((JSON.parse(applied.stdout) as { changed: boolean }).changed, true);
    const edited = await eastApi.get<V1ConfigMap>('v1', 'ConfigMap', 'coredns', 'kube-system');
    const corefile = edited?.data?.['Corefile'] ?? '';
    assert.ok(
      corefile.startsWith(KUBEADM_COREFILE),
      'the existing server block must stay as it was',
    );
    assert.match(
      corefile,
      new RegExp(
        `# causeway:begin[^\\n]*\\nclusterset\\.local:53 \\{\\n {4}errors\\n {4}forward \\. ${ip.replace(/\./g, '\\.')}\\n\\}\\n# causeway:end\\n$`,
      ),
    );

    const rerun = await ok(['dns', '--context', 'east', '--apply', '--output', 'json']);
    assert.equal((JSON.parse(rerun.stdout) as { changed: boolean }).changed, false);
    assert.equal(
      (await eastApi.get<V1ConfigMap>('v1', 'ConfigMap', 'coredns', 'kube-system'))?.metadata
        ?.resourceVersion,
      edited?.metadata?.resourceVersion,
    );

    await ok(['dns', '--context', 'east', '--remove']);
    assert.equal(
      (await eastApi.get<V1ConfigMap>('v1', 'ConfigMap', 'coredns', 'kube-system'))?.data?.[
        'Corefile'
      ],
      KUBEADM_COREFILE,
    );
    await ok(['dns', '--context', 'east', '--apply']);
  });

  it('names the unknown context and the contexts there are (exit 2)', async () => {
    const result = await kube([
      'install',
      '--context',
      'north',
      '--site',
      's',
      '--zone',
      'a',
      '--region',
      'r',
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--context: no context "north" in the kubeconfig/);
    assert.match(result.stderr, /known contexts: east, west/);
    const json = await kube(['dns', '--context', 'north', '--output', 'json']);
    assert.equal(json.code, 2);
    assert.equal(
      (JSON.parse(json.stderr) as { error: { code: string } }).error.code,
      'CW_KUBE_CONFIG_INVALID',
    );
  });

  it('kube link names a cluster without Causeway and the command that fixes it (exit 2)', async () => {
    const bare = await startKubeCluster({ name: 'bare' });
    try {
      const both = await writeKubeconfig(join(scratch, 'with-bare'), [east, bare]);
      const result = await runCli([
        'kube',
        'link',
        '--from',
        'east',
        '--to',
        'bare',
        '--kubeconfig',
        both,
      ]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /context bare: the cluster has no ClusterProperty cluster\.clusterset\.k8s\.io/,
      );
      assert.match(result.stderr, /causeway kube install --context bare --site/);
    } finally {
      await bare.stop();
    }
  });

  it('kube link without a running controller times out naming the likely cause, and cleans up its request', async () => {
    const result = await kube(['link', '--from', 'east', '--to', 'west', '--timeout', '2s']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /context east: no link token was issued for eu-west within 2s/);
    assert.match(result.stderr, /controller running in east/);
    assert.equal(
      await eastApi.get('v1', 'Secret', 'causeway-token-request-eu-west', NS),
      undefined,
    );
  });

  it("save-site writes a changed site directory back to Secret causeway-site, and refuses another site's directory", async () => {
    // As the pod's init container does: the site directory restored from the Secret.
    const dir = join(scratch, 'restored');
    await mkdir(dir, { recursive: true });
    const before = await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
    for (const [name, value] of Object.entries(before?.data ?? {}))
      await writeFile(join(dir, name), Buffer.from(value, 'base64'), { mode: 0o600 });

    const saver = spawn(
      process.execPath,
      [
        CLI_ENTRY,
        'kube',
        'save-site',
        '--dir',
        dir,
        '--context',
        'east',
        '--kubeconfig',
        kubeconfig,
        '--interval',
        '1s',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    saver.stdout.on('data', (c: Buffer) => (log += c.toString()));
    saver.stderr.on('data', (c: Buffer) => (log += c.toString()));
    try {
      await sleep(2_500);
      assert.equal(
        (await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS))?.metadata
          ?.resourceVersion,
        before?.metadata?.resourceVersion,
        `an unchanged directory was written: ${log}`,
      );
      await ok2(['namespace', 'add', 'shop', '--dir', dir]);
      const saved = await eventually(async () => {
        const secret = await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
        return parseSiteConfig(
          Buffer.from(secret?.data?.['site.yaml'] ?? '', 'base64').toString(),
        ).namespaces.includes('shop');
      }, 10_000);
      assert.ok(saved, `the change never reached the Secret: ${log}`);
      assert.equal(
        (await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS))?.data?.['site.key'],
        before?.data?.['site.key'],
      );
    } finally {
      await stopChild(saver);
    }
    // It stops on SIGTERM by itself (as a pod's container must), and its log is complete then.
    assert.equal(
      saver.exitCode,
      0,
      `save-site did not exit cleanly on SIGTERM: ${saver.signalCode ?? ''} ${log}`,
    );
    assert.match(log, /site files saved to Secret/);

    // The pod's saver runs as ServiceAccount causeway: its RBAC (deploy/rbac) must be enough.
    const asPod = await writeKubeconfig(join(scratch, 'as-pod'), [
      { ...east, token: await eastApi.serviceAccountToken(NS, 'causeway') },
    ]);
    await ok2(['namespace', 'add', 'cart', '--dir', dir]);
    const asServiceAccount = await runCli([
      'kube',
      'save-site',
      '--dir',
      dir,
      '--kubeconfig',
      asPod,
      '--once',
    ]);
    assert.equal(asServiceAccount.stdout.trim(), 'saved', asServiceAccount.stderr);

    const other = join(scratch, 'other-site');
    await ok2(['site', 'init', '--id', 'elsewhere', '--dir', other, '--listen', '127.0.0.1:0']);
    const current = await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS);
    const refused = await runCli([
      'kube',
      'save-site',
      '--dir',
      other,
      '--context',
      'east',
      '--kubeconfig',
      kubeconfig,
      '--once',
    ]);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(
      refused.stderr,
      /holds site elsewhere, but Secret causeway-system\/causeway-site is site us-east/,
    );
    assert.equal(
      (await eastApi.get<V1Secret>('v1', 'Secret', 'causeway-site', NS))?.metadata?.resourceVersion,
      current?.metadata?.resourceVersion,
    );
    const unchanged = await runCli([
      'kube',
      'save-site',
      '--dir',
      dir,
      '--context',
      'east',
      '--kubeconfig',
      kubeconfig,
      '--once',
    ]);
    assert.equal(unchanged.stdout.trim(), 'unchanged', unchanged.stderr);
  });

  it('uninstall removes what install made, keeps user ServiceExports and the CRDs; --purge removes those too', async () => {
    const userExport = {
      apiVersion: 'multicluster.x-k8s.io/v1alpha1',
      kind: 'ServiceExport',
      metadata: { name: 'web', namespace: 'default' },
    };
    await eastApi.create(userExport);
    const removed = JSON.parse(
      (await ok(['uninstall', '--context', 'east', '--output', 'json'])).stdout,
    ) as { removed: string[] };
    assert.ok(removed.removed.includes('ConfigMap kube-system/coredns (Causeway block)'));
    for (const [apiVersion, kind, name, namespace] of [
      ['apps/v1', 'Deployment', 'causeway', NS],
      ['v1', 'Service', 'causeway-link', NS],
      ['v1', 'Service', 'causeway-dns', NS],
      ['v1', 'Secret', 'causeway-site', NS],
      ['v1', 'ServiceAccount', 'causeway', NS],
      ['about.k8s.io/v1alpha1', 'ClusterProperty', 'cluster.clusterset.k8s.io', undefined],
    ] as const) {
      assert.equal(
        await eastApi.get(apiVersion, kind, name, namespace),
        undefined,
        `${kind} ${name} is still there`,
      );
    }
    // Without a controller manager a deleted namespace stays Terminating; it must be on its way out.
    const namespace = await eastApi.get<V1Namespace>('v1', 'Namespace', NS);
    assert.ok(namespace === undefined || namespace.metadata?.deletionTimestamp !== undefined);
    assert.equal(
      (await eastApi.get<V1ConfigMap>('v1', 'ConfigMap', 'coredns', 'kube-system'))?.data?.[
        'Corefile'
      ],
      KUBEADM_COREFILE,
    );
    assert.ok(
      await eastApi.get('multicluster.x-k8s.io/v1alpha1', 'ServiceExport', 'web', 'default'),
      'a user ServiceExport was deleted without --purge',
    );
    assert.ok(
      await eastApi.get(
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        'serviceexports.multicluster.x-k8s.io',
      ),
    );

    await ok(['uninstall', '--context', 'east', '--purge']);
    // The API server's own CRD finalizer empties and deletes a CRD; give it a bounded moment.
    assert.ok(
      await eventually(
        async () =>
          (await eastApi.get(
            'apiextensions.k8s.io/v1',
            'CustomResourceDefinition',
            'serviceexports.multicluster.x-k8s.io',
          )) === undefined,
      ),
      'CRD still there after --purge',
    );
    assert.equal(
      await eastApi.get('multicluster.x-k8s.io/v1alpha1', 'ServiceExport', 'web', 'default'),
      undefined,
    );
  });
});
