// Causeway on real Kubernetes nodes, installed as a user installs it: `causeway kube install` and
// `helm install` into clusters of the real-node lab (kubelet, containerd, kube-proxy, CoreDNS), the
// router Pod from the Causeway image, and Pod-to-Pod traffic across clusters by the clusterset name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { helmBinary } from '../support/install-tools.js';
import { startNodeLab, type NodeLab, type NodeLabCluster } from '../support/kube-node-lab.js';
import { DEPLOY_DIR } from '../../src/kube/install/index.js';
import { netnsSkip } from '../lab/netns-skip.js';
import { ok, until, webDeployment } from './node-steps.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LINK_NODE_PORT = 30443;
const NS = 'causeway-system';

/** The router/controller Pod of an install: its name once it is Ready (probes passed). */
async function readyRouterPod(
  cluster: NodeLabCluster,
  timeoutMs: number,
  not?: string,
): Promise<string> {
  return until(`a Ready Causeway Pod in ${cluster.name}`, timeoutMs, async () => {
    const out = await cluster.kubectl([
      '-n',
      NS,
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/name=causeway',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}',
    ]);
    const ready = out
      .split('\n')
      .map((line) => line.trim().split(' '))
      .find(
        ([name, status, deleting]) => name !== not && status === 'True' && deleting === undefined,
      );
    return ready?.[0];
  });
}

/** Runs `script` in a throwaway Pod of `image` and returns its output (the Pod is deleted after). */
async function inPod(
  cluster: NodeLabCluster,
  name: string,
  image: string,
  script: string,
  timeoutMs = 120_000,
): Promise<string> {
  await cluster.kubectl([
    'run',
    name,
    `--image=${image}`,
    '--restart=Never',
    '--command',
    '--',
    'sh',
    '-c',
    script,
  ]);
  try {
    await until(`Pod ${name} finished`, timeoutMs, async () => {
      const phase = await cluster.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    });
    return await cluster.kubectl(['logs', name]);
  } finally {
    await cluster.kubectl(['delete', 'pod', name, '--wait=false']).catch(() => undefined);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

/** `count` sequential HTTP requests from one Pod, each timed by curl; the latencies in ms, sorted. */
async function requestLatencies(
  cluster: NodeLabCluster,
  name: string,
  url: string,
  count: number,
): Promise<number[]> {
  const out = await inPod(
    cluster,
    name,
    'curlimages/curl',
    `for i in $(seq 1 ${count}); do curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}\\n' ${url}; done`,
  );
  const lines = out
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  assert.equal(lines.length, count, `expected ${count} timings from ${name}, got:\n${out}`);
  for (const [code] of lines)
    assert.equal(code, '200', `a request from ${name} to ${url} failed:\n${out}`);
  return lines.map(([, seconds]) => Number(seconds) * 1_000).sort((a, b) => a - b);
}

describe(
  'Causeway on real nodes: kube install, link, dns, MCS Pod to Pod, restart, uninstall; helm install',
  { skip: netnsSkip, timeout: 1_500_000 },
  () => {
    let lab: NodeLab;
    let east: NodeLabCluster;
    let west: NodeLabCluster;
    const cli = (args: string[], timeoutMs = 120_000): Promise<CliResult> =>
      runCli([...args, '--kubeconfig', lab.kubeconfigPath], { timeoutMs });

    before(async () => {
      lab = await startNodeLab({ clusters: ['east', 'west'] });
      east = lab.cluster('east');
      west = lab.cluster('west');
    });

    after(async () => {
      await lab?.stop();
    });

    test('causeway kube install: the router Pod runs from the Causeway image under the restricted securityContext and becomes Ready', async () => {
      for (const cluster of [east, west]) {
        const started = Date.now();
        ok(
          await cli([
            'kube',
            'install',
            '--context',
            cluster.context,
            '--site',
            cluster.name,
            '--zone',
            `${cluster.name}-1a`,
            '--region',
            cluster.name,
            '--link-service',
            'NodePort',
            '--link-node-port',
            String(LINK_NODE_PORT),
            '--advertise',
            `${cluster.nodeAddress}:${LINK_NODE_PORT}`,
          ]),
          `kube install ${cluster.name}`,
        );
        const pod = await readyRouterPod(cluster, 180_000);
        console.log(
          `# kube install ${cluster.name}: Pod ${pod} Ready ${Date.now() - started} ms after the command started`,
        );
        const spec = JSON.parse(
          await cluster.kubectl(['-n', NS, 'get', 'pod', pod, '-o', 'json']),
        ) as {
          spec: {
            securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
            containers: {
              name: string;
              image: string;
              securityContext?: {
                readOnlyRootFilesystem?: boolean;
                capabilities?: { drop?: string[] };
              };
            }[];
          };
          status: { containerStatuses: { name: string; ready: boolean; imageID: string }[] };
        };
        assert.equal(spec.spec.securityContext.runAsNonRoot, true);
        assert.equal(spec.spec.securityContext.runAsUser, 65532);
        for (const container of spec.spec.containers) {
          assert.equal(container.image, 'causeway:0.1.0');
          assert.equal(
            container.securityContext?.readOnlyRootFilesystem,
            true,
            `${container.name} has a read-only root`,
          );
          assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
        }
        for (const status of spec.status.containerStatuses)
          assert.equal(status.ready, true, `${status.name} is Ready`);
        // The process really runs as 65532 inside the container, from the image's node.
        const id = (
          await cluster.kubectl([
            '-n',
            NS,
            'exec',
            pod,
            '-c',
            'router',
            '--',
            'node',
            '-e',
            'console.log(process.getuid(), process.version)',
          ])
        ).trim();
        assert.match(id, /^65532 v20\./);
      }
    });

    test('causeway kube link links the clusters, and kube dns --apply wires the running CoreDNS', async () => {
      const link = ok(
        await cli(['kube', 'link', '--from', 'east', '--to', 'west', '--timeout', '120s'], 180_000),
        'kube link',
      );
      assert.match(link.stdout, /[Ll]inked/);
      for (const cluster of [east, west]) {
        const started = Date.now();
        ok(
          await cli(['kube', 'dns', '--context', cluster.context, '--apply']),
          `kube dns --apply ${cluster.name}`,
        );
        const corefile = await cluster.kubectl([
          '-n',
          'kube-system',
          'get',
          'configmap',
          'coredns',
          '-o',
          'jsonpath={.data.Corefile}',
        ]);
        assert.match(corefile, /clusterset\.local/);
        // Until the kubelet has refreshed the ConfigMap volume and CoreDNS's reload plugin has read it,
        // clusterset.local goes upstream (SERVFAIL here); then Causeway answers, NXDOMAIN for a name it lacks.
        const out = await inPod(
          cluster,
          'dns-wired',
          'docker.io/nicolaka/netshoot:v0.15',
          `until nslookup absent.nowhere.svc.clusterset.local 2>&1 | grep -q NXDOMAIN; do sleep 0.5; done; echo wired`,
          240_000,
        );
        assert.match(out, /wired/);
        console.log(
          `# kube dns --apply ${cluster.name} -> the running CoreDNS answers clusterset.local: ${Date.now() - started} ms`,
        );
      }
    });

    let exportedAt = 0;
    test('MCS Pod to Pod: a client Pod in west reaches a Deployment of east by web.shop.svc.clusterset.local through CoreDNS and kube-proxy', async () => {
      await east.kubectl(['create', 'namespace', 'shop']);
      await west.kubectl(['create', 'namespace', 'shop']);
      await east.kubectl(['-n', 'shop', 'apply', '-f', '-'], webDeployment('east'));
      await east.kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=120s']);
      exportedAt = Date.now();
      await east.kubectl(
        ['-n', 'shop', 'apply', '-f', '-'],
        'apiVersion: multicluster.x-k8s.io/v1beta1\nkind: ServiceExport\nmetadata:\n  name: web\n',
      );
      // One Pod keeps asking until the first answer, so the figure is export -> first success.
      const out = await inPod(
        west,
        'first-request',
        'curlimages/curl',
        `until curl -s -m 2 http://web.shop.svc.clusterset.local/; do sleep 0.2; done`,
        240_000,
      );
      console.log(
        `# ServiceExport in east -> first successful request from a Pod in west: ${Date.now() - exportedAt} ms (includes the client Pod's start)`,
      );
      assert.match(out, /web in east/);
    });

    test('latency: Pod to Pod across clusters through Causeway against the same request inside one cluster (same run)', async () => {
      const count = 200;
      const [across, inside] = await Promise.all([
        requestLatencies(west, 'latency-across', 'http://web.shop.svc.clusterset.local/', count),
        requestLatencies(east, 'latency-inside', 'http://web.shop.svc.cluster.local/', count),
      ]);
      const fmt = (xs: number[]): string =>
        `p50 ${percentile(xs, 50).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)} ms`;
      console.log(
        `# ${count} HTTP requests (curl, new connection each): across clusters via Causeway ${fmt(across)}; inside one cluster ${fmt(inside)}`,
      );
      assert.ok(percentile(across, 50) > 0 && percentile(inside, 50) > 0);
    });

    test('deleting the router Pod keeps its site identity and its links', async () => {
      const before = await readyRouterPod(east, 10_000);
      const secretBefore = await east.kubectl([
        '-n',
        NS,
        'get',
        'secret',
        'causeway-site',
        '-o',
        'jsonpath={.data}',
      ]);
      await east.kubectl(['-n', NS, 'delete', 'pod', before, '--wait=false']);
      const afterPod = await readyRouterPod(east, 180_000, before);
      assert.notEqual(afterPod, before);
      assert.equal(
        await east.kubectl(['-n', NS, 'get', 'secret', 'causeway-site', '-o', 'jsonpath={.data}']),
        secretBefore,
        'the site Secret is unchanged',
      );
      const out = await inPod(
        west,
        'after-restart',
        'curlimages/curl',
        `for i in $(seq 1 600); do curl -s -m 2 http://web.shop.svc.clusterset.local/ && exit 0; sleep 0.2; done; exit 1`,
        240_000,
      );
      assert.match(
        out,
        /web in east/,
        'west reaches east again through the same link after the restart',
      );
    });

    test('causeway kube uninstall leaves nothing behind', async () => {
      await east.kubectl(['-n', 'shop', 'delete', 'serviceexport', 'web']).catch(() => undefined);
      for (const cluster of [east, west]) {
        ok(
          await cli(['kube', 'uninstall', '--context', cluster.context, '--purge'], 240_000),
          `kube uninstall ${cluster.name}`,
        );
        await until(`namespace ${NS} gone in ${cluster.name}`, 120_000, async () =>
          (
            await cluster.kubectl(['get', 'namespace', NS, '--ignore-not-found', '-o', 'name'])
          ).trim() === ''
            ? true
            : undefined,
        );
        // Uninstall returns once the router Pod is gone, so nothing writes the site's
        // ClusterProperties back after it (a later helm install would find them and fail).
        const properties = await cluster
          .kubectl(['get', 'clusterproperties.about.k8s.io', '-o', 'name'])
          .catch(() => '');
        assert.doesNotMatch(properties, /clusterset\.k8s\.io/);
        const left = await cluster.kubectl([
          'get',
          'clusterroles,clusterrolebindings,crd',
          '-o',
          'name',
        ]);
        assert.doesNotMatch(
          left,
          /causeway|multicluster\.x-k8s\.io/,
          `left in ${cluster.name}:\n${left}`,
        );
        const corefile = await cluster.kubectl([
          '-n',
          'kube-system',
          'get',
          'configmap',
          'coredns',
          '-o',
          'jsonpath={.data.Corefile}',
        ]);
        assert.doesNotMatch(corefile, /causeway/);
      }
    });

    test('helm install of deploy/helm/causeway: the Pod becomes Ready; helm uninstall removes it', async () => {
      const helm = helmBinary();
      ok(
        await cli([
          'kube',
          'install',
          '--context',
          'east',
          '--site',
          'east',
          '--zone',
          'east-1a',
          '--region',
          'east',
          '--secret-only',
        ]),
        'kube install --secret-only',
      );
      const started = Date.now();
      await run(
        helm,
        [
          'install',
          'causeway',
          join(DEPLOY_DIR, 'helm', 'causeway'),
          '--kubeconfig',
          lab.kubeconfigPath,
          '--kube-context',
          'east',
          '--namespace',
          NS,
          '--set',
          'site.id=east',
          '--set',
          'link.service.type=NodePort',
          '--set',
          `link.service.nodePort=${LINK_NODE_PORT}`,
        ],
        { timeout: 120_000 },
      );
      const pod = await readyRouterPod(east, 180_000);
      console.log(`# helm install -> Pod ${pod} Ready: ${Date.now() - started} ms`);
      await run(
        helm,
        [
          'uninstall',
          'causeway',
          '--kubeconfig',
          lab.kubeconfigPath,
          '--kube-context',
          'east',
          '--namespace',
          NS,
          '--wait',
        ],
        { timeout: 180_000 },
      );
      await until('the helm release Pods gone', 120_000, async () =>
        (await east.kubectl(['-n', NS, 'get', 'pods', '-o', 'name'])).trim() === ''
          ? true
          : undefined,
      );
    });
  },
);
