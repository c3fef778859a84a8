import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { runCli, type CliResult } from '../support/cli-runner.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';

type Acquired = { acquired: boolean; lease: { holder: string; fencingToken: number } };

function json<T>(result: CliResult): T {
  assert.ok(result.stdout.length > 0, `no output; exit ${result.code}, stderr: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function errorCode(result: CliResult): string {
  return (JSON.parse(result.stderr.trim()) as { error: { code: string } }).error.code;
}

describe('causeway lease --kubeconfig (Lease objects in a real coordination cluster)', () => {
  let hub: KubeCluster;

  before(async () => {
    hub = await startKubeCluster({ name: 'hub' });
    const config = new KubeConfig();
    config.loadFromFile(hub.kubeconfigPath);
    await config
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'causeway' } } });
  });

  after(() => hub?.stop());

  const lease = (args: string[]) =>
    runCli([
      'lease',
      ...args,
      '--kubeconfig',
      hub.kubeconfigPath,
      '--context',
      'hub',
      '--namespace',
      'causeway',
      '--output',
      'json',
    ]);

  it('hands the lease to one site at a time, the token growing on every change of holder', async () => {
    const first = await lease(['acquire', 'payments-writer', '--holder', 'eu', '--ttl', '30s']);
    assert.equal(first.code, 0, first.stderr);
    const held = json<Acquired>(first);
    assert.deepEqual([held.acquired, held.lease.holder], [true, 'eu']);

    const refused = await lease(['acquire', 'payments-writer', '--holder', 'us', '--ttl', '30s']);
    assert.equal(refused.code, 4);
    assert.equal(json<Acquired>(refused).lease.holder, 'eu');

    assert.equal((await lease(['release', 'payments-writer', '--holder', 'us'])).code, 4);
    assert.equal((await lease(['release', 'payments-writer', '--holder', 'eu'])).code, 0);
    const taken = json<Acquired>(
      await lease(['acquire', 'payments-writer', '--holder', 'us', '--ttl', '30s']),
    );
    assert.equal(taken.acquired, true);
    assert.ok(taken.lease.fencingToken > held.lease.fencingToken);

    const listed = json<Array<{ name: string; holder: string }>>(await lease(['list']));
    assert.deepEqual(
      listed.map((l) => [l.name, l.holder]),
      [['payments-writer', 'us']],
    );
  });

  it('--backend kubernetes takes the kubeconfig from $KUBECONFIG', async () => {
    const result = await runCli(
      ['lease', 'list', '--backend', 'kubernetes', '--namespace', 'causeway'],
      {
        env: { ...process.env, KUBECONFIG: hub.kubeconfigPath },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /payments-writer\s+us\s+\d+/);
  });

  it('refuses mixed or unknown backend flags and a missing context with exit 2', async () => {
    const mixed = await runCli([
      'lease',
      'list',
      '--etcd',
      'http://127.0.0.1:2379',
      '--kubeconfig',
      hub.kubeconfigPath,
      '--output',
      'json',
    ]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--kubeconfig belongs to the kubernetes backend/);
    const unknown = await runCli(['lease', 'list', '--backend', 'zookeeper', '--output', 'json']);
    assert.equal(unknown.code, 2);
    assert.equal(errorCode(unknown), 'CW_INPUT_INVALID');
    const context = await runCli([
      'lease',
      'list',
      '--kubeconfig',
      hub.kubeconfigPath,
      '--context',
      'nowhere',
      '--output',
      'json',
    ]);
    assert.equal(context.code, 2);
    assert.equal(errorCode(context), 'CW_KUBE_CONFIG_INVALID');
    assert.match(context.stderr, /known contexts: hub/);
  });

  it('names the fix when the namespace does not exist (exit 1)', async () => {
    const result = await runCli([
      'lease',
      'acquire',
      'x',
      '--holder',
      'eu',
      '--kubeconfig',
      hub.kubeconfigPath,
      '--namespace',
      'absent',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /HTTP 404/);
    assert.match(
      result.stderr,
      /hint: create the namespace first \(kubectl create namespace absent\)/,
    );
  });
});
