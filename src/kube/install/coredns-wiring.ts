import type { V1ConfigMap, V1Service } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { corefileBlock, withBlock, withoutBlock } from './corefile-block.js';
import type { KubeSession } from './kube-session.js';

export const DNS_SERVICE = 'causeway-dns';
export const COREDNS_NAMESPACE = 'kube-system';
export const COREDNS_CONFIGMAP = 'coredns';
export const CLUSTERSET_ZONE = 'clusterset.local';

export interface DnsWiring {
  zone: string;
  /** Where CoreDNS forwards the zone: the causeway-dns ClusterIP, or the address given. */
  upstream: string;
  block: string;
  /** True when the ConfigMap was changed (false on a re-run, or when only printing). */
  changed: boolean;
}

/** The ClusterIP of Service causeway-dns, which fronts the router's DNS in the cluster. */
export async function causewayDnsAddress(session: KubeSession, namespace: string): Promise<string> {
  const service = await session.read<V1Service>({
    apiVersion: 'v1',
    kind: 'Service',
    name: DNS_SERVICE,
    namespace,
  });
  const ip = service?.spec?.clusterIP;
  if (ip === undefined || ip === 'None' || ip === '') {
    throw new CausewayError(
      ErrorCode.KubeNotInstalled,
      `context ${session.context}: Service ${namespace}/${DNS_SERVICE} ${service === undefined ? 'does not exist' : 'has no ClusterIP'}`,
      {
        hint: `install Causeway with \`causeway kube install --context ${session.context} ...\`, or pass --server HOST:PORT for a router that runs outside the cluster`,
      },
    );
  }
  return ip;
}

/** The server block for the zone, and with `mode` apply/remove the edit of CoreDNS's Corefile. */
export async function wireCoredns(
  session: KubeSession,
  options: { upstream: string; zone: string; mode: 'print' | 'apply' | 'remove' },
): Promise<DnsWiring> {
  const block = corefileBlock(options.zone, options.upstream);
  const result = { zone: options.zone, upstream: options.upstream, block, changed: false };
  if (options.mode === 'print') return result;
  const configMap = await readCoredns(session);
  const current = configMap.data?.['Corefile'] ?? '';
  const next =
    options.mode === 'apply' ? withBlock(current, block, options.zone) : withoutBlock(current);
  if (next === current) return result;
  await session.replace<V1ConfigMap>({ ...configMap, data: { ...configMap.data, Corefile: next } });
  return { ...result, changed: true };
}

/** Takes Causeway's block out if there is one; a cluster without CoreDNS has nothing to undo. */
export async function unwireCoredns(session: KubeSession): Promise<boolean> {
  const configMap = await session.read<V1ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: COREDNS_CONFIGMAP,
    namespace: COREDNS_NAMESPACE,
  });
  const current = configMap?.data?.['Corefile'];
  if (configMap === undefined || current === undefined) return false;
  const next = withoutBlock(current);
  if (next === current) return false;
  await session.replace<V1ConfigMap>({ ...configMap, data: { ...configMap.data, Corefile: next } });
  return true;
}

async function readCoredns(session: KubeSession): Promise<V1ConfigMap> {
  const configMap = await session.read<V1ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: COREDNS_CONFIGMAP,
    namespace: COREDNS_NAMESPACE,
  });
  if (configMap?.data?.['Corefile'] === undefined) {
    throw new CausewayError(
      ErrorCode.KubeCorednsMissing,
      `context ${session.context}: ConfigMap ${COREDNS_NAMESPACE}/${COREDNS_CONFIGMAP} ${configMap === undefined ? 'does not exist' : 'has no Corefile key'}`,
      {
        hint: 'this cluster does not run CoreDNS from that ConfigMap; print the block with `causeway kube dns` (without --apply) and add it to your DNS server by its own means',
      },
    );
  }
  return configMap;
}
