import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Every file a site keeps in its directory. */
export interface SitePaths {
  readonly dir: string;
  readonly config: string;
  readonly key: string;
  readonly cert: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly tokens: string;
  readonly vips: string;
  /** Ports allocated on `services.importAddress`, so EndpointSlices pointing at them stay right across restarts. */
  readonly importPorts: string;
  /** Exports, namespaces and policies a controller owns (JSON), merged over site.yaml by the router. */
  readonly managed: string;
  readonly members: string;
  readonly runtime: string;
  /** The link port chosen at first start when `link.listen` asks for port 0, kept for the next starts. */
  readonly linkPort: string;
  /** Peers whose link this site removed: refused until they redeem a new token here. */
  readonly removedPeers: string;
  /** Sites revoked in the clusterset (signed by the CA or an admin), the same list at every site. */
  readonly revocations: string;
  /** Failure drills in force and those ended, so a restart keeps each drill's deadline. */
  readonly drills: string;
  readonly lock: string;
  readonly apiSocket: string;
}

/** Unix socket paths are limited to 108 bytes; longer site paths get a hashed name in the temp dir. */
const MAX_SOCKET_PATH = 100;

export function sitePaths(dir: string): SitePaths {
  const abs = resolve(dir);
  const socket = join(abs, 'router.sock');
  return {
    dir: abs,
    config: join(abs, 'site.yaml'),
    key: join(abs, 'site.key'),
    cert: join(abs, 'site.crt'),
    caCert: join(abs, 'ca.crt'),
    caKey: join(abs, 'ca.key'),
    tokens: join(abs, 'tokens.json'),
    vips: join(abs, 'vips.json'),
    importPorts: join(abs, 'import-ports.json'),
    managed: join(abs, 'managed.json'),
    members: join(abs, 'members.json'),
    runtime: join(abs, 'runtime.json'),
    linkPort: join(abs, 'link-port.json'),
    removedPeers: join(abs, 'removed-peers.json'),
    revocations: join(abs, 'revocations.json'),
    drills: join(abs, 'drills.json'),
    lock: join(abs, '.lock'),
    apiSocket:
      socket.length <= MAX_SOCKET_PATH
        ? socket
        : join(
            tmpdir(),
            `causeway-${createHash('sha256').update(abs).digest('hex').slice(0, 16)}.sock`,
          ),
  };
}
