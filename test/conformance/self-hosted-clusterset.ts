import { join } from 'node:path';
import { KubeClusterset } from '../support/kube-clusterset.js';
import { writeKubeconfig } from '../support/kubeconfig.js';

/** A clusterset the checks start themselves: what they need to know of it, and how to end it. */
export interface SelfHostedClusterset {
  kubeconfigPath: string;
  contexts: string[];
  close(): Promise<void>;
}

/**
 * Two real control planes (etcd + kube-apiserver), a linked Causeway site for each and
 * `causeway kube controller` beside it, as the controller's own integration tests run them; needs
 * root for the lab network namespace. Contexts "east" (the exporter of most cases) and "west".
 */
export async function startSelfHostedClusterset(): Promise<SelfHostedClusterset> {
  const contexts = ['east', 'west'];
  const set = await KubeClusterset.create(contexts);
  try {
    for (const name of contexts) await set.startController(name);
    const clusters = contexts.map((name) => set.clusters.get(name)).filter((c) => c !== undefined);
    const kubeconfigPath = await writeKubeconfig(join(set.fx.root, 'kubeconfig'), clusters);
    return { kubeconfigPath, contexts, close: () => set.close() };
  } catch (err) {
    await set.close();
    throw err;
  }
}
