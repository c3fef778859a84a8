import type { SitePaths } from '../../config/index.js';
import type { Logger } from '../../observability/index.js';
import { createLink, issueLinkToken } from '../../site/index.js';
import type { Secret } from '../client/kube-objects.js';
import type { KubeRest } from '../client/kube-rest.js';
import { Resources, objectPath } from '../client/resources.js';
import { LINK_TOKEN_TTL_MS, LinkSecret, secretAction } from './link-secrets.js';

/**
 * The controller's side of linking clusters through their APIs: it issues a token into a request
 * Secret, and redeems a token Secret (then drops the token: secrets are not kept once used).
 */
export async function reconcileLinkSecret(
  rest: KubeRest,
  paths: SitePaths,
  secret: Secret,
  logger: Logger,
  onJoined: (trustDomain: string) => Promise<void>,
): Promise<void> {
  const action = secretAction(secret);
  const path = objectPath(Resources.secrets, secret.metadata.name, secret.metadata.namespace);
  switch (action.kind) {
    case 'none':
      return;
    case 'issue': {
      const { text, token } = await issueLinkToken(paths, { uses: 1, ttlMs: LINK_TOKEN_TTL_MS });
      await rest.mergePatch(path, {
        metadata: { annotations: { [LinkSecret.issuedAtAnnotation]: new Date().toISOString() } },
        data: { token: Buffer.from(text).toString('base64') },
      });
      logger.info(
        { secret: secret.metadata.name, forSite: action.forSite, tokenId: token.id },
        'link token issued into Secret',
      );
      return;
    }
    case 'redeem': {
      let status: 'Linked' | 'Failed';
      let message: string;
      try {
        const result = await createLink(paths, action.token, { cost: 1, connections: 1 });
        status = 'Linked';
        message = `linked to site ${result.peer} at ${result.endpoint} (clusterset ${result.trustDomain})${result.joined ? '; joined the clusterset' : ''}`;
        // Joining changes the clusterset this cluster belongs to: its ClusterProperty follows.
        if (result.joined) await onJoined(result.trustDomain);
      } catch (err) {
        status = 'Failed';
        const code = (err as { code?: string }).code;
        message = `${code === undefined ? '' : `${code}: `}${(err as Error).message}`;
      }
      await rest.mergePatch(path, {
        metadata: {
          annotations: {
            [LinkSecret.linkStatusAnnotation]: status,
            [LinkSecret.linkMessageAnnotation]: message,
          },
        },
        data: { token: null },
      });
      logger.info(
        { secret: secret.metadata.name, status, message },
        'link token redeemed from Secret',
      );
      return;
    }
    default:
      return assertNever(action);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unexpected action ${JSON.stringify(value)}`);
}
