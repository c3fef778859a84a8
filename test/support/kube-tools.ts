import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForToolBuild } from './tool-build-wait.js';

/** The repository root: the nearest folder above this file with a package.json (works from src and dist). */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('kube-tools: no package.json above this file');
    dir = parent;
  }
  return dir;
}

export const buildKubeToolsCommand = 'bash test/tools/build-kube-tools.sh';

/** The k8s.io/kubernetes version pinned by test/tools/kube/go.mod, which names the cache folder. */
export function pinnedKubernetesVersion(): string {
  const goMod = readFileSync(join(repositoryRoot(), 'test/tools/kube/go.mod'), 'utf8');
  const version = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v\S+)/m.exec(goMod)?.[1];
  if (version === undefined)
    throw new Error('kube-tools: test/tools/kube/go.mod pins no k8s.io/kubernetes version');
  return version;
}

/** Where build-kube-tools.sh puts the binaries; CAUSEWAY_TOOLS_CACHE moves the whole cache. */
export function kubeToolsDir(): string {
  const cacheRoot =
    process.env['CAUSEWAY_TOOLS_CACHE'] ?? join(homedir(), '.cache', 'causeway-tools');
  return join(cacheRoot, `kubernetes-${pinnedKubernetesVersion()}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Path of the cached kube-apiserver; throws naming the build command when it was never built. */
export function kubeApiserverBinary(): string {
  return cachedKubeBinary('kube-apiserver', 'KUBE_APISERVER_BIN', '.build.lock');
}

/** Path of the cached kube-proxy (the pods' Service data plane in tests), built by the same script. */
export function kubeProxyBinary(): string {
  return cachedKubeBinary('kube-proxy', 'KUBE_PROXY_BIN', '.build-proxy.lock');
}

/** The node binaries of the real-node lab, each behind its own build lock (build-kube-tools.sh). */
export function kubeletBinary(): string {
  return cachedKubeBinary('kubelet', 'KUBELET_BIN', '.build-kubelet.lock');
}

export function kubectlBinary(): string {
  return cachedKubeBinary('kubectl', 'KUBECTL_BIN', '.build-kubectl.lock');
}

export function kubeSchedulerBinary(): string {
  return cachedKubeBinary('kube-scheduler', 'KUBE_SCHEDULER_BIN', '.build-kube-scheduler.lock');
}

export function kubeControllerManagerBinary(): string {
  return cachedKubeBinary(
    'kube-controller-manager',
    'KUBE_CONTROLLER_MANAGER_BIN',
    '.build-kube-controller-manager.lock',
  );
}

/** A binary of build-kube-tools.sh, waiting for a build in progress; `envVar` points at another one. */
function cachedKubeBinary(name: string, envVar: string, lock: string): string {
  // build-kube-tools.sh runs first in .ci/run's background build and takes all its locks at once.
  waitForToolBuild(join(kubeToolsDir(), lock), undefined, { ownLockSuffices: true });
  const path = process.env[envVar] ?? join(kubeToolsDir(), name);
  if (!isExecutable(path)) {
    throw new Error(
      `${name} not found at ${path}; build it once with \`${buildKubeToolsCommand}\` (about 11 minutes on 2 cores, then cached)`,
    );
  }
  return path;
}

/** etcd for the clusters: ETCD_BIN, else Debian's etcd-server package. */
export function etcdBinary(): string {
  const path = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';
  if (!isExecutable(path))
    throw new Error(
      `etcd not found at ${path}; install it with \`apt-get install etcd-server\` or set ETCD_BIN`,
    );
  return path;
}
