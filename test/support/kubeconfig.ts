import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** What a client needs to reach one cluster as its admin; the name is also the context's. */
export interface KubeAccess {
  name: string;
  server: string;
  caCertPem: string;
  token: string;
}

/**
 * A kubeconfig with one cluster, user and context per entry, each named after its cluster, so
 * `--context <name>` picks it. The first entry is the current context.
 */
export function kubeconfigYaml(clusters: readonly KubeAccess[]): string {
  const names = clusters.map((cluster) => cluster.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`kubeconfig: two clusters are named ${duplicate}`);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': names[0] ?? '',
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server,
        'certificate-authority-data': Buffer.from(c.caCertPem).toString('base64'),
      },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: `${c.name}-admin` },
    })),
  });
}

/** Writes the kubeconfig of `clusters` to `path` (mode 0600: it holds admin tokens) and returns the path. */
export async function writeKubeconfig(
  path: string,
  clusters: readonly KubeAccess[],
): Promise<string> {
  await writeFile(path, kubeconfigYaml(clusters), { mode: 0o600 });
  return path;
}
