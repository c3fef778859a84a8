import { join } from 'node:path';
import { KubeClusterset } from '../test/support/kube-clusterset.js';
import { writeKubeconfig } from '../test/support/kubeconfig.js';
import { McsLabPods, ROUTER_DNS_PORT, routerAddress } from './mcs-lab-pods.js';
import type { McsPods } from './mcs-pods.js';

/** A clusterset the checks start themselves: what they need to know of it, and how to end it. */
export interface SelfHostedClusterset {
  kubeconfigPath: string;
  contexts: string[];
  pods: McsPods;
  close(): Promise<void>;
}

/**
 * Two real control planes (etcd + kube-apiserver), a linked Causeway site for each and
 * `causeway kube controller` beside it, as the controller's own integration tests run them; needs
 * root for the lab network namespaces. Contexts "east" (the exporter of most cases) and "west".
 * Each router serves imports and clusterset DNS on its node address, as a router pod does on its
 * pod IP, and each cluster gets a client Pod with a real kube-proxy.
 */
export async function startSelfHostedClusterset(): Promise<SelfHostedClusterset> {
  const contexts = ['east', 'west'];
  const set = await KubeClusterset.create(contexts, contexts, undefined, (config, prefix, i) => {
    config.services.importAddress = routerAddress(prefix, i);
    config.dns.listen = `${routerAddress(prefix, i)}:${ROUTER_DNS_PORT}`;
  });
  let pods: McsPods | undefined;
  try {
    for (const name of contexts) await set.startController(name);
    pods = await McsLabPods.start(set, contexts);
    const clusters = contexts.map((name) => set.clusters.get(name)).filter((c) => c !== undefined);
    const kubeconfigPath = await writeKubeconfig(join(set.fx.root, 'kubeconfig'), clusters);
    const started = pods;
    return {
      kubeconfigPath,
      contexts,
      pods,
      close: async () => {
        await started.close();
        await set.close();
      },
    };
  } catch (err) {
    await pods?.close();
    await set.close();
    throw err;
  }
}
