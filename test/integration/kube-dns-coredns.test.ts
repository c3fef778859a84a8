import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { runCli } from '../support/cli-runner.js';
import { corednsBinary } from '../support/install-tools.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';
import { KubeReader } from '../support/kube-reader.js';
import { KUBEADM_COREFILE_OUTSIDE_POD } from '../../src/kube/install/kubeadm-corefile.fixture.js';

const run = promisify(execFile);

/** `dig` run inside the namespace against CoreDNS on port 53 there. */
async function digIn(
  namespace: string,
  name: string,
  type = 'A',
): Promise<{ status: string; answers: string[] }> {
  const { stdout } = await run('ip', [
    'netns',
    'exec',
    namespace,
    'dig',
    '@127.0.0.1',
    '-p',
    '53',
    name,
    type,
    '+time=1',
    '+tries=1',
  ]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const section = stdout.split(';; ANSWER SECTION:')[1]?.split('\n\n')[0] ?? '';
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? 'none',
    answers: section
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  };
}

describe('the Corefile `causeway kube dns --apply` writes makes a real CoreDNS forward clusterset.local to the router', () => {
  const namespace = `cwt-dns-${process.pid}`;
  let cluster: KubeCluster;
  let scratch: string;
  let router: ChildProcess | undefined;
  let coredns: ChildProcess | undefined;

  before(async () => {
    cluster = await startKubeCluster({ name: 'dnsland' });
    scratch = await mkdtemp(join(tmpdir(), 'causeway-coredns-'));
    // Port 53 and CoreDNS's health/ready/metrics ports are free in a namespace of our own. (The
    // service port must not be 8080: the router's virtual-IP listener would take it from CoreDNS's health.)
    await run('ip', ['netns', 'add', namespace]);
    await run('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
  });
  after(async () => {
    if (coredns !== undefined) await stopChild(coredns);
    if (router !== undefined) await stopChild(router);
    await run('ip', ['netns', 'del', namespace]).catch(() => undefined);
    await cluster?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it("dig web.shop.svc.clusterset.local through CoreDNS answers the router's virtual IP", async () => {
    const kube = (args: string[]): ReturnType<typeof runCli> =>
      runCli(['kube', ...args, '--kubeconfig', cluster.kubeconfigPath]);
    const dir = join(scratch, 'us-east');
    const installed = await kube([
      'install',
      '--context',
      'dnsland',
      '--site',
      'us-east',
      '--zone',
      'a',
      '--region',
      'r',
      '--site-dir',
      dir,
      '--listen',
      '127.0.0.1:0',
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    const exposed = await runCli([
      'expose',
      'web',
      '--namespace',
      'shop',
      '--port',
      '80',
      '--to',
      '127.0.0.1:9000',
      '--dir',
      dir,
    ]);
    assert.equal(exposed.code, 0, exposed.stderr);

    // The router runs in the namespace; its API is a unix socket in the site directory, so the test still reaches it.
    router = spawn(
      'ip',
      ['netns', 'exec', namespace, process.execPath, CLI_ENTRY, 'site', 'run', '--dir', dir],
      {
        stdio: [
          'ignore',
          openSync(join(dir, 'router.log'), 'a'),
          openSync(join(dir, 'router.log'), 'a'),
        ],
      },
    );
    const api = new ApiClient(sitePaths(dir));
    let status;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
      if ((await api.runtime())?.pid === router.pid) {
        status = await api.status();
        if (status.services.some((s) => s.vip !== null)) break;
      }
    }
    const vip = status?.services.find((s) => s.dnsName === 'web.shop.svc.clusterset.local')?.vip;
    assert.ok(
      vip !== undefined && vip !== null && status?.dnsAddress,
      `router not ready: ${await readFile(join(dir, 'router.log'), 'utf8')}`,
    );

    const reader = new KubeReader(cluster.kubeconfigPath, 'dnsland');
    await reader.create<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: KUBEADM_COREFILE_OUTSIDE_POD },
    });
    const wired = await kube([
      'dns',
      '--context',
      'dnsland',
      '--server',
      status.dnsAddress,
      '--apply',
    ]);
    assert.equal(wired.code, 0, wired.stderr);
    const corefile =
      (await reader.get<V1ConfigMap>('v1', 'ConfigMap', 'coredns', 'kube-system'))?.data?.[
        'Corefile'
      ] ?? '';
    const confPath = join(scratch, 'Corefile');
    await writeFile(confPath, corefile);

    coredns = spawn('ip', ['netns', 'exec', namespace, corednsBinary(), '-conf', confPath], {
      stdio: [
        'ignore',
        openSync(join(scratch, 'coredns.log'), 'a'),
        openSync(join(scratch, 'coredns.log'), 'a'),
      ],
    });
    let answer = { status: 'none', answers: [] as string[] };
    for (
      const deadline = Date.now() + 20_000;
      Date.now() < deadline && answer.status !== 'NOERROR';
      await sleep(200)
    ) {
      answer = await digIn(namespace, 'web.shop.svc.clusterset.local');
    }
    assert.equal(
      answer.status,
      'NOERROR',
      `CoreDNS did not answer: ${await readFile(join(scratch, 'coredns.log'), 'utf8')}`,
    );
    assert.equal(answer.answers.length, 1);
    assert.match(
      answer.answers[0] ?? '',
      new RegExp(
        `^web\\.shop\\.svc\\.clusterset\\.local\\.\\s+\\d+\\s+IN\\s+A\\s+${vip.replace(/\./g, '\\.')}$`,
      ),
    );
    // A name the clusterset does not have is the router's NXDOMAIN, passed on by CoreDNS.
    assert.equal((await digIn(namespace, 'absent.shop.svc.clusterset.local')).status, 'NXDOMAIN');
  });
});
