import type { SitePaths } from '../config/index.js';
import { listenerFailure } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
import { keepLinkPort, keptLinkListen } from './kept-link-port.js';
import type { LinkMesh } from './link-mesh.js';

/**
 * Opens the mesh's link port: the port kept from an earlier start when there is one (peers and
 * tokens know it), a new one when that is taken; the port chosen is kept for the next start.
 */
export async function openLinkPort(
  mesh: LinkMesh,
  paths: SitePaths,
  configured: string,
  logger: Logger,
): Promise<{ host: string; port: number }> {
  const listen = await keptLinkListen(paths.linkPort, configured);
  let address: { host: string; port: number };
  try {
    address = await mesh.listen(listen).catch((err: unknown) => {
      if (listen === configured || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      // Peers learn the new port from our adverts; tokens issued before name the old one.
      logger.warn({ kept: listen, err }, 'the kept link port is taken: choosing a new one');
      return mesh.listen(configured);
    });
  } catch (err) {
    throw listenerFailure('link.listen', configured, err, `in ${paths.config}`);
  }
  await keepLinkPort(paths.linkPort, configured, address.port);
  return address;
}
