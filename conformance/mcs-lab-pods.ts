import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { V1Service } from '@kubernetes/client-node';
import { Resources, collectionPath, type EndpointSlice } from '../src/kube/index.js';
import { CLUSTERSET_ZONE, corefileBlock } from '../src/kube/install/index.js';
import type { KubeClusterset } from '../test/support/kube-clusterset.js';
import { startLabNameServer } from '../test/support/kube-lab-backend.js';
import { KubeLabPod } from '../test/support/kube-lab-pod.js';
import type { McsPods } from './mcs-pods.js';

/** Where a cluster's router serves imports and clusterset DNS in a self-hosted run: its node address. */
export function routerAddress(labPrefix: string, index: number): string {
  return `${labPrefix}.0.${index + 1}`;
}

export const ROUTER_DNS_PORT = 5353;

/**
 * Pods of a self-hosted run. A client Pod per cluster is a network namespace with a real
 * kube-proxy (nftables) programming the cluster's Services and a real CoreDNS as its cluster DNS:
 * kubeadm's kubernetes block for cluster.local, plus the block `causeway kube dns` adds, which
 * forwards clusterset.local to the cluster's Causeway DNS. Backends are
 * processes on the lab's node network, listed in EndpointSlices as the EndpointSlice controller
 * lists a Service's Pods.
 */
export class McsLabPods implements McsPods {
  private readonly backends = new Map<string, ChildProcess[]>();
  private nextAddress = 0;

  private constructor(
    private readonly set: KubeClusterset,
    private readonly names: readonly string[],
    private readonly clients: readonly KubeLabPod[],
  ) {}

  static async start(set: KubeClusterset, names: readonly string[]): Promise<McsLabPods> {
    const clients: KubeLabPod[] = [];
    try {
      for (const [i, name] of names.entries()) {
        const pod = await KubeLabPod.create(set.lab, i + 1);
        clients.push(pod);
        const cluster = set.clusters.get(name);
        if (cluster === undefined) throw new Error(`no cluster ${name}`);
        await pod.startKubeProxy(cluster, set.rest(name), join(set.fx.dir(name), 'kube-proxy.log'));
        const corefile = clusterCorefile(
          cluster.kubeconfigPath,
          cluster.context,
          `${routerAddress(set.lab.prefix, i)}:${ROUTER_DNS_PORT}`,
        );
        await pod.startCoreDns(
          corefile,
          join(set.fx.dir(name), 'Corefile'),
          join(set.fx.dir(name), 'coredns.log'),
          'kubernetes.default.svc.cluster.local',
        );
      }
    } catch (err) {
      for (const pod of clients) pod.destroySync();
      throw err;
    }
    return new McsLabPods(set, names, clients);
  }

  async deployBackends(
    index: number,
    namespace: string,
    service: V1Service,
    count = 2,
  ): Promise<string[]> {
    const cluster = this.names[index] ?? '';
    const name = service.metadata?.name ?? '';
    const tcp = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
    const targetPort = (p: (typeof tcp)[number]): number =>
      typeof p.targetPort === 'number' ? p.targetPort : p.port;
    const addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      const address = `${this.set.lab.prefix}.20.${++this.nextAddress}`;
      const backend = await startLabNameServer(
        this.set.lab,
        `pod ip ${address}`,
        address,
        tcp.map(targetPort),
      );
      this.backends.set(namespace, [...(this.backends.get(namespace) ?? []), backend.child]);
      addresses.push(address);
    }
    const slice: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-${cluster}`,
        namespace,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
      },
      addressType: 'IPv4',
      endpoints: addresses.map((address) => ({
        addresses: [address],
        conditions: { ready: true },
      })),
      ports: tcp.map((p) => ({
        ...(p.name === undefined ? {} : { name: p.name }),
        port: targetPort(p),
        protocol: 'TCP' as const,
      })),
    };
    await this.set.rest(cluster).create(collectionPath(Resources.endpointSlices, namespace), slice);
    return addresses;
  }

  async request(index: number, name: string, port: number): Promise<string> {
    const pod = this.clients[index];
    if (pod === undefined) throw new Error(`no client pod in cluster #${index + 1}`);
    // The pod's cluster DNS (CoreDNS) resolves the name, as a Pod's resolv.conf would have it.
    const answer = await pod
      .request(name, port, { resolver: '127.0.0.1:53', send: 'hi\n' })
      .catch(() => '');
    return answer.trim();
  }

  lookup(index: number, name: string, type: 'A' | 'SRV'): Promise<string[]> {
    const pod = this.clients[index];
    if (pod === undefined) throw new Error(`no client pod in cluster #${index + 1}`);
    return pod.dig(name, type);
  }

  async removeBackends(namespace: string): Promise<void> {
    for (const child of this.backends.get(namespace) ?? []) child.kill();
    this.backends.delete(namespace);
  }

  async close(): Promise<void> {
    for (const namespace of [...this.backends.keys()]) await this.removeBackends(namespace);
    for (const pod of this.clients) pod.destroySync();
  }
}

/**
 * A cluster's Corefile as kubeadm writes it (cluster.local from the API server, here through a
 * kubeconfig since CoreDNS runs outside a pod) plus the block `causeway kube dns` adds.
 */
function clusterCorefile(kubeconfig: string, context: string, causewayDns: string): string {
  const kubernetes = [
    '.:53 {',
    '    errors',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    `       kubeconfig ${kubeconfig} ${context}`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 5',
    '    }',
    '}',
    '',
  ];
  return `${kubernetes.join('\n')}\n${corefileBlock(CLUSTERSET_ZONE, causewayDns)}`;
}
