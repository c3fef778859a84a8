import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcdServer, type EtcdServer } from './etcd-server.js';
import { createKubeCertificates } from './kube-certificates.js';
import { kubeApiserverBinary } from './kube-tools.js';
import { writeKubeconfig, type KubeAccess } from './kubeconfig.js';
import { spawnServer, stopServer, waitUntilServing, type ServerProcess } from './server-process.js';
import { freePort } from './tcp-probes.js';

export interface KubeClusterOptions {
  /** Names the cluster, its kubeconfig context and its admin user; a DNS label. */
  name: string;
  /** Service ClusterIPs come from here; two clusters may overlap, as real ones often do. */
  serviceClusterIpRange?: string;
  /** More kube-apiserver flags; each replaces a default flag of the same name. */
  extraApiserverArgs?: string[];
  /** More identities for the token file: a kubelet's `system:node:<name>` in `system:nodes`. */
  extraTokens?: readonly { token: string; user: string; groups: readonly string[] }[];
  /** More IP addresses for the serving certificate (the `kubernetes` Service's ClusterIP). */
  extraServingIps?: readonly string[];
  /** How long etcd and the API server each get to become ready. */
  startTimeoutMs?: number;
}

/** One running cluster: its own etcd and kube-apiserver, reached as admin (group system:masters). */
export interface KubeCluster extends KubeAccess {
  /** A kubeconfig holding this cluster only; its context is `context`. */
  readonly kubeconfigPath: string;
  readonly context: string;
  /** Scratch directory with the logs (etcd.log, kube-apiserver.log), removed by stop(). */
  readonly dir: string;
  /** Stops and starts the API server only; etcd and so every object survive, the URL stays. */
  restart(): Promise<void>;
  /** Stops both processes and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const defaultServiceRange = '10.96.0.0/16';
const adminUser = 'causeway-admin';

// Processes still running when the test process exits (a failed assertion before stop(), a
// crash) would outlive it and hold ports; the exit hook kills them by pid.
const running = new Set<ServerProcess>();
process.on('exit', () => {
  for (const server of running)
    if (server.child.pid !== undefined) process.kill(server.child.pid, 'SIGKILL');
});

/**
 * Starts a real cluster control plane for a test: etcd plus kube-apiserver on free loopback
 * ports, fresh certificates, RBAC on and an admin token in `system:masters`. No controller
 * manager or kubelet runs, so objects are stored and validated, Services get ClusterIPs, but
 * Pods never run and deleted namespaces stay Terminating.
 */
export async function startKubeCluster(options: KubeClusterOptions): Promise<KubeCluster> {
  if (!dnsLabel.test(options.name))
    throw new Error(`startKubeCluster: name ${JSON.stringify(options.name)} is not a DNS label`);
  const apiserverBinary = kubeApiserverBinary();
  const dir = await mkdtemp(join(tmpdir(), `causeway-kube-${options.name}-`));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let etcd: EtcdServer | undefined;
  let apiserver: ServerProcess | undefined;
  const stopAll = async (): Promise<void> => {
    for (const server of [apiserver, etcd]) {
      if (server === undefined) continue;
      await stopServer(server);
      running.delete(server);
    }
  };
  try {
    const access = await prepareAccess(options, dir);
    etcd = await startEtcdServer(dir, timeoutMs);
    running.add(etcd);
    const args = apiserverArgs(dir, etcd.clientUrl, access.port, options);
    const startApiserver = async (): Promise<void> => {
      apiserver = spawnServer(apiserverBinary, args, join(dir, 'kube-apiserver.log'));
      running.add(apiserver);
      await waitUntilServing(apiserver, `kube-apiserver of ${options.name}`, timeoutMs, () =>
        isReady(access),
      );
    };
    await startApiserver();
    const kubeconfigPath = await writeKubeconfig(join(dir, 'kubeconfig'), [access]);
    let stopped = false;
    return {
      ...access,
      kubeconfigPath,
      context: options.name,
      dir,
      restart: async () => {
        if (apiserver !== undefined) {
          await stopServer(apiserver);
          running.delete(apiserver);
        }
        await startApiserver();
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Certificates, keys and the token file in `dir`; the port is picked now so restarts keep it. */
async function prepareAccess(
  options: KubeClusterOptions,
  dir: string,
): Promise<KubeAccess & { port: number }> {
  const name = options.name;
  const certs = await createKubeCertificates(name, options.extraServingIps);
  const extraTokens = (options.extraTokens ?? [])
    .map((t) => `${t.token},${t.user},${t.user},"${t.groups.join(',')}"\n`)
    .join('');
  const token = randomBytes(24).toString('hex');
  await Promise.all([
    writeFile(join(dir, 'ca.crt'), certs.caCertPem),
    writeFile(join(dir, 'serving.crt'), certs.servingCertPem),
    writeFile(join(dir, 'serving.key'), certs.servingKeyPem, { mode: 0o600 }),
    writeFile(join(dir, 'service-account.key'), certs.serviceAccountKeyPem, { mode: 0o600 }),
    writeFile(join(dir, 'service-account.pub'), certs.serviceAccountPublicKeyPem),
    // token,user,uid,"groups": system:masters is bound to cluster-admin by the bootstrap policy.
    writeFile(
      join(dir, 'tokens.csv'),
      `${token},${adminUser},${adminUser},"system:masters"\n${extraTokens}`,
      { mode: 0o600 },
    ),
  ]);
  const port = await freePort();
  return { name, server: `https://127.0.0.1:${port}`, caCertPem: certs.caCertPem, token, port };
}

function apiserverArgs(
  dir: string,
  etcdUrl: string,
  port: number,
  options: KubeClusterOptions,
): string[] {
  // A flag given in extraApiserverArgs replaces the default one: list flags such as
  // --authorization-mode would otherwise add up, and the API server refuses a mode given twice.
  const extra = options.extraApiserverArgs ?? [];
  const overridden = new Set(extra.map((arg) => arg.split('=')[0]));
  return defaultApiserverArgs(dir, etcdUrl, port, options)
    .filter((arg) => !overridden.has(arg.split('=')[0]))
    .concat(extra);
}

function defaultApiserverArgs(
  dir: string,
  etcdUrl: string,
  port: number,
  options: KubeClusterOptions,
): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${join(dir, 'serving.crt')}`,
    `--tls-private-key-file=${join(dir, 'serving.key')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-cluster-ip-range=${options.serviceClusterIpRange ?? defaultServiceRange}`,
    `--service-account-key-file=${join(dir, 'service-account.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'service-account.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    // Nothing creates the `default` ServiceAccount without a controller manager; this plugin
    // would then refuse every Pod, and tests do create Pods (they only never run).
    '--disable-admission-plugins=ServiceAccount',
    // The `kubernetes` Service's endpoints would name this host's address; nothing reaches the
    // API server through it here, and skipping the reconciler saves a loop.
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
  ];
}

/** GET /readyz as the admin over TLS verified against the cluster's own CA. */
function isReady(access: KubeAccess): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${access.server}/readyz`,
      {
        ca: access.caCertPem,
        headers: { authorization: `Bearer ${access.token}` },
        timeout: 2_000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
