// Faults on real Kubernetes nodes, as an operator meets them: an image that cannot be pulled, the
// router container killed as the OOM killer kills (SIGKILL), its Pod deleted while clients keep
// connecting, and a node restart. One lab (two clusters, each one real node) serves every case.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { startNodeLab, type NodeLab, type NodeLabCluster } from '../support/kube-node-lab.js';
import { netnsSkip } from '../lab/netns-skip.js';
import { ok, until, webDeployment } from './node-steps.js';

const LINK_NODE_PORT = 30443;
const NS = 'causeway-system';
const URL = 'http://web.shop.svc.clusterset.local/';

interface RouterPod {
  name: string;
  ready: boolean;
  restarts: number;
  containerId: string;
  waiting: string[];
}

async function routerPods(cluster: NodeLabCluster): Promise<RouterPod[]> {
  const list = JSON.parse(
    await cluster.kubectl([
      '-n',
      NS,
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/name=causeway',
      '-o',
      'json',
    ]),
  ) as {
    items: {
      metadata: { name: string; deletionTimestamp?: string };
      status: {
        conditions?: { type: string; status: string }[];
        containerStatuses?: {
          name: string;
          restartCount: number;
          containerID?: string;
          state?: { waiting?: { reason?: string } };
        }[];
      };
    }[];
  };
  return list.items
    .filter((p) => p.metadata.deletionTimestamp === undefined)
    .map((p) => {
      const router = p.status.containerStatuses?.find((c) => c.name === 'router');
      return {
        name: p.metadata.name,
        ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
        restarts: router?.restartCount ?? 0,
        containerId: (router?.containerID ?? '').replace(/^containerd:\/\//, ''),
        waiting: (p.status.containerStatuses ?? [])
          .map((c) => c.state?.waiting?.reason ?? '')
          .filter((r) => r !== ''),
      };
    });
}

async function readyRouterPod(
  cluster: NodeLabCluster,
  timeoutMs: number,
  not?: string,
): Promise<RouterPod> {
  return until(`a Ready Causeway Pod in ${cluster.name}`, timeoutMs, async () =>
    (await routerPods(cluster)).find((p) => p.ready && p.name !== not),
  );
}

/** The site Secret's data, key by key as digests (a failure message never shows a key): what must survive every fault. */
async function siteSecret(cluster: NodeLabCluster): Promise<Record<string, string>> {
  const data = JSON.parse(
    await cluster.kubectl(['-n', NS, 'get', 'secret', 'causeway-site', '-o', 'jsonpath={.data}']),
  ) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      createHash('sha256').update(value).digest('hex').slice(0, 16),
    ]),
  );
}

/** Every key of `before` is still there with the same value; the router may have saved more files since. */
function assertNothingLost(
  after: Record<string, string>,
  before: Record<string, string>,
  keys: readonly string[] = Object.keys(before),
): void {
  assert.deepEqual(
    Object.keys(before).filter((k) => !(k in after)),
    [],
    'no key lost from the site Secret',
  );
  for (const key of keys)
    assert.equal(after[key], before[key], `${key} in the site Secret is unchanged`);
}

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

/** A request from a Pod in `cluster` until the first success (bounded): the ms it took, Pod start included. */
async function firstSuccess(cluster: NodeLabCluster, name: string): Promise<number> {
  const started = Date.now();
  const out = await inPod(
    cluster,
    name,
    'curlimages/curl',
    `for i in $(seq 1 600); do curl -s -m 2 ${URL} && exit 0; sleep 0.2; done; exit 1`,
    240_000,
  );
  assert.match(out, /web in east/, `${name}: west reaches east`);
  return Date.now() - started;
}

describe(
  'Causeway on real nodes under faults: missing image, SIGKILL, Pod deleted under load, node restart',
  { skip: netnsSkip, timeout: 1_500_000 },
  () => {
    let lab: NodeLab;
    let east: NodeLabCluster;
    let west: NodeLabCluster;
    const cli = (args: string[], timeoutMs = 240_000): Promise<CliResult> =>
      runCli([...args, '--kubeconfig', lab.kubeconfigPath], { timeoutMs });
    const install = (cluster: NodeLabCluster, extra: string[] = []): Promise<CliResult> =>
      cli([
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
        ...extra,
      ]);

    before(async () => {
      lab = await startNodeLab({ clusters: ['east', 'west'] });
      east = lab.cluster('east');
      west = lab.cluster('west');
    });

    after(async () => {
      await lab?.stop();
    });

    test('kube install with an image the node cannot pull fails within its wait, names ErrImagePull/ImagePullBackOff and gives a hint (exit 2)', async () => {
      const started = Date.now();
      const result = await install(east, ['--image', 'no-such/causeway:0', '--wait', '120s']);
      const ms = Date.now() - started;
      console.log(
        `# kube install --image no-such/causeway:0 -> exit ${result.code} after ${ms} ms`,
      );
      assert.equal(result.code, 2, `exit code:\n${result.stderr}`);
      assert.match(
        result.stderr,
        /--image: Pod causeway-system\/causeway-\S+ cannot pull image no-such\/causeway:0 \((ErrImagePull|ImagePullBackOff)/,
      );
      assert.match(result.stderr, /hint: push no-such\/causeway:0 to a registry/);
      assert.ok(ms < 120_000, 'it failed on the pull error, not at the deadline');
    });

    test('kube install again with the right image waits for the router to be Ready and keeps the site made by the failed run', async () => {
      const secretBefore = await siteSecret(east);
      for (const cluster of [east, west]) {
        const started = Date.now();
        const result = ok(await install(cluster), `kube install ${cluster.name}`);
        assert.match(result.stdout, /router Ready in \d+\.\ds/);
        console.log(`# kube install ${cluster.name} (waits for Ready): ${Date.now() - started} ms`);
        assert.ok(
          (await routerPods(cluster)).some((p) => p.ready),
          'the command returned once the Pod was Ready',
        );
      }
      // The identity made by the failed run is the one that runs now.
      assertNothingLost(await siteSecret(east), secretBefore, [
        'site.key',
        'site.crt',
        'ca.key',
        'ca.crt',
      ]);
      ok(
        await cli(['kube', 'link', '--from', 'east', '--to', 'west', '--timeout', '120s']),
        'kube link',
      );
      for (const cluster of [east, west])
        ok(
          await cli(['kube', 'dns', '--context', cluster.context, '--apply']),
          `kube dns ${cluster.name}`,
        );
      await east.kubectl(['create', 'namespace', 'shop']);
      await west.kubectl(['create', 'namespace', 'shop']);
      await east.kubectl(['-n', 'shop', 'apply', '-f', '-'], webDeployment('east'));
      await east.kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=120s']);
      await east.kubectl(
        ['-n', 'shop', 'apply', '-f', '-'],
        'apiVersion: multicluster.x-k8s.io/v1beta1\nkind: ServiceExport\nmetadata:\n  name: web\n',
      );
      console.log(
        `# after kube dns --apply (the kubelet's ConfigMap refresh and CoreDNS's reload included): a new client Pod in west -> first success: ${await firstSuccess(west, 'first')} ms`,
      );
    });

    test('the router container killed with SIGKILL (as the OOM killer does) restarts in place: Ready again, restartCount up, same site, traffic again', async () => {
      console.log(
        `# baseline, nothing broken: a new client Pod in west -> first success: ${await firstSuccess(west, 'baseline')} ms`,
      );
      const secretBefore = await siteSecret(east);
      const before = await readyRouterPod(east, 10_000);
      assert.notEqual(before.containerId, '');
      const killed = Date.now();
      await east.node.ctr(['tasks', 'kill', '--signal', 'SIGKILL', before.containerId]);
      const seen = new Set<string>();
      const back = await until('the router restarted and Ready', 180_000, async () => {
        const pods = await routerPods(east);
        for (const p of pods) for (const w of p.waiting) seen.add(w);
        return pods.find((p) => p.name === before.name && p.restarts > before.restarts && p.ready);
      });
      console.log(
        `# SIGKILL of the router container -> Ready again in place: ${Date.now() - killed} ms (restartCount ${before.restarts} -> ${back.restarts})`,
      );
      assert.equal(back.name, before.name, 'the same Pod, restarted in place');
      assert.notEqual(back.containerId, before.containerId, 'a new container');
      assert.ok(
        !seen.has('CrashLoopBackOff'),
        `no CrashLoopBackOff (waiting reasons seen: ${[...seen].join(', ')})`,
      );
      assertNothingLost(await siteSecret(east), secretBefore);
      console.log(
        `# after SIGKILL: a new client Pod in west -> first success: ${await firstSuccess(west, 'after-sigkill')} ms`,
      );
    });

    test('the router Pod deleted during a bounded client loop: new connections recover once it is back, the site Secret keeps every key', async () => {
      const secretBefore = await siteSecret(east);
      const before = await readyRouterPod(east, 10_000);
      const count = 900;
      // One line per request: its HTTP code (000 when it failed); bounded by count and curl's -m.
      await west.kubectl([
        'run',
        'loop',
        '--image=curlimages/curl',
        '--restart=Never',
        '--command',
        '--',
        'sh',
        '-c',
        `for i in $(seq 1 ${count}); do curl -s -o /dev/null -m 2 -w '%{http_code}\\n' ${URL}; sleep 0.1; done`,
      ]);
      const lines = async (): Promise<string[]> =>
        (await west.kubectl(['logs', 'loop']).catch(() => '')).split('\n').filter((l) => l !== '');
      try {
        await until('the loop succeeding before the delete', 120_000, async () =>
          (await lines()).includes('200') ? true : undefined,
        );
        const deleted = Date.now();
        const sentBefore = (await lines()).length;
        await east.kubectl(['-n', NS, 'delete', 'pod', before.name, '--wait=false']);
        const fresh = await readyRouterPod(east, 180_000, before.name);
        const readyMs = Date.now() - deleted;
        // Recovered: the last 10 requests answered, and all of them sent after the new Pod was Ready.
        const sentAtReady = (await lines()).length;
        await until('10 successes in a row after the new Pod is Ready', 180_000, async () => {
          const all = await lines();
          const tail = all.slice(Math.max(sentAtReady, all.length - 10));
          return tail.length === 10 && tail.every((c) => c === '200') ? true : undefined;
        });
        const recoveredMs = Date.now() - deleted;
        const all = await lines();
        const failed = all.slice(sentBefore).filter((c) => c !== '200').length;
        console.log(
          `# router Pod deleted under a client loop: new Pod ${fresh.name} Ready after ${readyMs} ms; 10 successes in a row after ${recoveredMs} ms; ${failed} of ${all.length - sentBefore} requests during the change failed`,
        );
        assert.ok(
          all.length < count,
          'the loop was still running: recovery was seen within its bound',
        );
      } finally {
        await west.kubectl(['delete', 'pod', 'loop', '--wait=false']).catch(() => undefined);
      }
      assertNothingLost(await siteSecret(east), secretBefore);
    });

    test('a node restart (kubelet and kube-proxy stopped, the containers gone as in a reboot, both started): Pods come back and cross-cluster traffic works again', async () => {
      const secretBefore = await siteSecret(east);
      const before = await readyRouterPod(east, 10_000);
      await east.node.stopKubelet();
      // What a reboot does to the containers while the kubelet is down.
      const tasks = (await east.node.ctr(['tasks', 'list', '--quiet']))
        .split('\n')
        .filter((id) => id !== '');
      for (const id of tasks)
        await east.node.ctr(['tasks', 'kill', '--signal', 'SIGKILL', id]).catch(() => undefined);
      const restarted = Date.now();
      east.node.startKubelet();
      const back = await until('the router Pod Ready after the node restart', 300_000, async () =>
        (await routerPods(east)).find(
          (p) => p.ready && (p.name !== before.name || p.restarts > before.restarts),
        ),
      );
      const readyMs = Date.now() - restarted;
      await east.kubectl(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=180s']);
      const trafficMs = await firstSuccess(west, 'after-node-restart');
      console.log(
        `# node restart (${tasks.length} containers killed): router Pod ${back.name} Ready ${readyMs} ms after the kubelet started; then a new client Pod in west -> first success ${trafficMs} ms`,
      );
      assertNothingLost(await siteSecret(east), secretBefore);
    });
  },
);
