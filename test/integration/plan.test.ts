import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeRest, loadKubeConfig } from '../../src/kube/index.js';
import type { NetworkPlan } from '../../src/network/index.js';
import { runCli } from '../support/cli-runner.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { writeKubeconfig } from '../support/kubeconfig.js';

// `causeway plan` as a user runs it: three site directories and one real API server (etcd +
// kube-apiserver, no kubelets) whose Node objects carry podCIDRs and whose ServiceCIDR the server
// makes itself from --service-cluster-ip-range.

async function initSite(root: string, id: string, network: string): Promise<string> {
  const dir = join(root, id);
  const init = await runCli([
    'site',
    'init',
    '--id',
    id,
    '--zone',
    `${id}-1a`,
    '--region',
    id,
    '--dir',
    dir,
    '--listen',
    '127.0.0.1:0',
  ]);
  assert.equal(init.code, 0, init.stderr);
  await appendFile(join(dir, 'site.yaml'), `network:\n${network}`);
  return dir;
}

async function plan(args: string[]): Promise<NetworkPlan> {
  const run = await runCli(['plan', ...args, '--output', 'json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as NetworkPlan;
}

describe('causeway plan', () => {
  let cluster: KubeCluster;
  let root: string;
  let kubeconfig: string;
  const dirs: Record<string, string> = {};

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'causeway-plan-'));
    cluster = await startKubeCluster({ name: 'east', serviceClusterIpRange: '10.96.0.0/16' });
    kubeconfig = await writeKubeconfig(join(root, 'kubeconfig'), [cluster]);
    const rest = new KubeRest(loadKubeConfig({ kubeconfig }));
    for (const [i, podCIDR] of ['10.244.0.0/24', '10.244.1.0/24'].entries()) {
      const name = `east-node-${i}`;
      await rest.create('/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        spec: { podCIDR, podCIDRs: [podCIDR] },
      });
      // Node addresses are status, written as a kubelet would.
      await rest.mergePatch(`/api/v1/nodes/${name}/status`, {
        status: { addresses: [{ type: 'InternalIP', address: `192.168.10.${i + 2}` }] },
      });
    }
    rest.close();
    dirs['east'] = await initSite(root, 'east', '  routable: true\n  domain: transit\n');
    dirs['west'] = await initSite(
      root,
      'west',
      '  pods: [10.245.0.0/16]\n  services: [10.96.0.0/16]\n  routable: true\n  domain: transit\n',
    );
    dirs['south'] = await initSite(
      root,
      'south',
      '  pods: [10.244.0.0/16]\n  services: [10.96.0.0/12]\n  routable: true\n  domain: transit\n',
    );
    dirs['fresh'] = await initSite(root, 'fresh', '  routable: true\n  domain: transit\n');
  });

  after(async () => {
    await cluster?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('reads the cluster, finds the overlap, advises per pair, allocates and writes the plan', async () => {
    const args = [
      '--cluster',
      `east=${dirs['east']}`,
      '--kubeconfig',
      kubeconfig,
      '--dir',
      dirs['west'] ?? '',
      '--dir',
      dirs['south'] ?? '',
      '--dir',
      dirs['fresh'] ?? '',
    ];
    // The API server makes its default ServiceCIDR a moment after it answers: ask until it is there (at most 30 s).
    let got = await plan(args);
    for (
      const deadline = Date.now() + 30_000;
      got.sites[3]?.services.length === 0 && Date.now() < deadline;
    )
      got = await plan(args);
    const east = got.sites.find((s) => s.site === 'east');
    assert.deepEqual(east, {
      site: 'east',
      pods: ['10.244.0.0/24', '10.244.1.0/24'],
      services: ['10.96.0.0/16'],
      nodes: ['192.168.10.2/32', '192.168.10.3/32'],
      routable: true,
      domain: 'transit',
      source: 'cluster',
    });
    const advice = Object.fromEntries(got.pairs.map((p) => [p.sites.join('/'), p]));
    assert.equal(advice['east/west']?.model, 'flat');
    assert.equal(advice['east/south']?.model, 'island');
    assert.equal(advice['east/south']?.forced, true);
    assert.ok(
      advice['east/south']?.reasons.includes(
        'east pods 10.244.0.0/24 overlaps south pods 10.244.0.0/16',
      ),
    );
    // Service ranges overlap everywhere here, which alone keeps no pair off the flat path.
    assert.equal(advice['south/west']?.model, 'flat');
    assert.equal(advice['fresh/west']?.forced, true, 'a site without a pod CIDR cannot go flat');

    const written = await plan([
      ...args,
      '--pool',
      '10.0.0.0/8',
      '--prefix',
      '16',
      '--new',
      '2',
      '--write',
    ]);
    assert.deepEqual(written.allocation, {
      pool: '10.0.0.0/8',
      prefix: 16,
      blocks: ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16'],
    });
    assert.equal(written.pairs.find((p) => p.sites.join('/') === 'fresh/west')?.model, 'flat');
    const fresh = await readFile(join(dirs['fresh'] ?? '', 'site.yaml'), 'utf8');
    assert.match(fresh, /pods:\n\s+- 10\.0\.0\.0\/16/);
    const eastYaml = await readFile(join(dirs['east'] ?? '', 'site.yaml'), 'utf8');
    assert.match(
      eastYaml,
      /pods:\n\s+- 10\.244\.0\.0\/24\n\s+- 10\.244\.1\.0\/24/,
      'the CIDRs read from the cluster are written',
    );
    // Written, the plan reads the same from the directories alone.
    const again = await plan([
      '--dir',
      dirs['east'] ?? '',
      '--dir',
      dirs['west'] ?? '',
      '--dir',
      dirs['south'] ?? '',
      '--dir',
      dirs['fresh'] ?? '',
    ]);
    assert.deepEqual(again.pairs, written.pairs);
  });

  it('text output names the pairs and says which choice was the only one', async () => {
    const run = await runCli([
      'plan',
      '--dir',
      dirs['west'] ?? '',
      '--dir',
      dirs['south'] ?? '',
      '--dir',
      dirs['east'] ?? '',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /east - south\s+island \(only choice\)\s+east pods 10\.244\.0\.0\/24 overlaps south pods 10\.244\.0\.0\/16/,
    );
    assert.match(run.stdout, /east - west\s+flat\s+pod CIDRs do not overlap/);
  });

  it('bad input exits 2 naming the field and the fix', async () => {
    const pool = await runCli([
      'plan',
      '--dir',
      dirs['west'] ?? '',
      '--pool',
      '10.0.0.1/8',
      '--prefix',
      '16',
    ]);
    assert.equal(pool.code, 2);
    assert.match(
      pool.stderr,
      /--pool: "10\.0\.0\.1\/8" has host bits set\nhint: the block that address lies in is 10\.0\.0\.0\/8/,
    );
    const none = await runCli(['plan']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /hint: name each site with --dir/);
    const full = await runCli([
      'plan',
      '--dir',
      dirs['west'] ?? '',
      '--pool',
      '10.245.0.0/16',
      '--prefix',
      '16',
      '--new',
      '1',
    ]);
    assert.equal(full.code, 2);
    assert.match(full.stderr, /room for 0 more/);
    const bad = await initSite(root, 'bad', '  pods: [10.244.0.0/33]\n');
    const parsed = await runCli(['plan', '--dir', bad]);
    assert.equal(parsed.code, 2);
    assert.match(parsed.stderr, /field network\.pods\[0\]: .*prefix over \/32/);
  });
});
