import type { V1Secret } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { requireClusterSiteId } from './cluster-site-id.js';
import { CAUSEWAY_LABELS } from './install-labels.js';
import { LinkSecret } from '../index.js';
import { KubeSession } from './kube-session.js';

/** Secret names of the link protocol; its labels and annotations are the controller's LinkSecret. */
export const LinkSecretName = {
  /** In the issuing cluster: asks its controller for a token meant for `site`. */
  request: (site: string): string => `causeway-token-request-${site}`,
  /** In the redeeming cluster: carries the token `site` issued. */
  link: (site: string): string => `causeway-link-${site}`,
} as const;

export interface KubeLinkOptions {
  from: string;
  to: string;
  kubeconfig?: string;
  namespace: string;
  timeoutMs: number;
}

export interface KubeLinkReport {
  /** The site that issued the token (the one dialed). */
  from: { context: string; site: string };
  /** The site that redeemed it (the one that dials). */
  to: { context: string; site: string };
  status: 'Linked';
  message: string;
}

/**
 * Links two clusters through their API servers, with no file to carry: `from`'s controller
 * issues a one-time token into a request Secret, and `to`'s controller redeems it from a link
 * Secret and reports the outcome there. The request Secret is deleted whatever the outcome.
 */
export async function linkClusters(options: KubeLinkOptions): Promise<KubeLinkReport> {
  if (options.from === options.to) {
    throw new CausewayError(ErrorCode.InputInvalid, `--from and --to are both "${options.from}"`, {
      hint: 'a link joins two clusters: name two different contexts',
    });
  }
  const issuer = KubeSession.open({ context: options.from, ...kubeconfigOf(options) });
  const redeemer = KubeSession.open({ context: options.to, ...kubeconfigOf(options) });
  const fromSite = await requireClusterSiteId(issuer);
  const toSite = await requireClusterSiteId(redeemer);
  if (fromSite === toSite) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `contexts ${options.from} and ${options.to} are both site ${fromSite}`,
      { hint: 'each cluster needs its own site id: reinstall one of them with another --site' },
    );
  }
  const deadline = Date.now() + options.timeoutMs;
  const request = requestSecret(options.namespace, toSite);
  await issuer.remove({
    apiVersion: 'v1',
    kind: 'Secret',
    name: request.metadata?.name ?? '',
    namespace: options.namespace,
  });
  await issuer.create(request);
  try {
    const token = await issuer.waitFor<V1Secret, string>(
      `/api/v1/namespaces/${options.namespace}/secrets`,
      LinkSecretName.request(toSite),
      (s) => nonEmpty(s.data?.['token']),
      remaining(deadline),
    );
    if (token === undefined) {
      throw new CausewayError(
        ErrorCode.Timeout,
        `context ${options.from}: no link token was issued for ${toSite} within ${options.timeoutMs / 1000}s`,
        {
          hint: `is the Causeway controller running in ${options.from}? (\`causeway kube controller --dir <site-dir> --context ${options.from}\` for a router outside the cluster)`,
        },
      );
    }
    const outcome = await redeem(redeemer, options, fromSite, token, deadline);
    if (outcome.status !== 'Linked') {
      throw new CausewayError(
        ErrorCode.LinkRedeemFailed,
        `${toSite} (context ${options.to}) could not link to ${fromSite}: ${outcome.message}`,
        {
          hint: `see the Causeway controller's log in ${options.to}; fix the cause and run \`causeway kube link\` again for a fresh token`,
        },
      );
    }
    return {
      from: { context: options.from, site: fromSite },
      to: { context: options.to, site: toSite },
      status: 'Linked',
      message: outcome.message,
    };
  } finally {
    await issuer.remove({
      apiVersion: 'v1',
      kind: 'Secret',
      name: LinkSecretName.request(toSite),
      namespace: options.namespace,
    });
  }
}

/** Hands the token to the redeeming cluster and waits for its controller's verdict. */
async function redeem(
  session: KubeSession,
  options: KubeLinkOptions,
  fromSite: string,
  token: string,
  deadline: number,
): Promise<{ status: string; message: string }> {
  const name = LinkSecretName.link(fromSite);
  await session.remove({ apiVersion: 'v1', kind: 'Secret', name, namespace: options.namespace });
  await session.create<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name,
      namespace: options.namespace,
      labels: { ...CAUSEWAY_LABELS, [LinkSecret.linkTokenLabel]: 'true' },
      annotations: { [LinkSecret.forSiteAnnotation]: fromSite },
    },
    data: { token },
  });
  const verdict = await session.waitFor<V1Secret, { status: string; message: string }>(
    `/api/v1/namespaces/${options.namespace}/secrets`,
    name,
    (s) => {
      const status = s.metadata?.annotations?.[LinkSecret.linkStatusAnnotation];
      return status === 'Linked' || status === 'Failed'
        ? { status, message: s.metadata?.annotations?.[LinkSecret.linkMessageAnnotation] ?? '' }
        : undefined;
    },
    remaining(deadline),
  );
  if (verdict === undefined) {
    throw new CausewayError(
      ErrorCode.Timeout,
      `context ${options.to}: the link token was not redeemed within ${options.timeoutMs / 1000}s`,
      {
        hint: `is the Causeway controller running in ${options.to}? (\`causeway kube controller --dir <site-dir> --context ${options.to}\` for a router outside the cluster)`,
      },
    );
  }
  return verdict;
}

function requestSecret(namespace: string, forSite: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: LinkSecretName.request(forSite),
      namespace,
      labels: { ...CAUSEWAY_LABELS, [LinkSecret.tokenRequestLabel]: 'true' },
      annotations: { [LinkSecret.forSiteAnnotation]: forSite },
    },
  };
}

function kubeconfigOf(options: KubeLinkOptions): { kubeconfig?: string } {
  return options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** At least a moment, so a slow first step still lets the next one look once. */
function remaining(deadline: number): number {
  return Math.max(1_000, deadline - Date.now());
}
