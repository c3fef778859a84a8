import { readFile } from 'node:fs/promises';
import { formatHostPort, parseHostPort, replaceFile } from '../config/index.js';

/**
 * With `link.listen` on port 0 the port is chosen at first start and then kept (in
 * link-port.json): peers that dial this site, and tokens already handed out, stay right across
 * restarts. Returns the address to try first: the kept port, or `listen` as configured.
 */
export async function keptLinkListen(file: string, listen: string): Promise<string> {
  const wanted = parseHostPort(listen, 'link.listen', true);
  if (wanted.port !== 0) return listen;
  const kept = await readFile(file, 'utf8')
    .then(
      (text) => JSON.parse(text) as { listen?: unknown; port?: unknown } | null,
      () => undefined,
    )
    .catch(() => undefined); // a damaged file only loses the kept port
  // A kept port belongs to the listen address it was chosen for; another address starts afresh.
  if (
    kept?.listen !== listen ||
    typeof kept.port !== 'number' ||
    !Number.isInteger(kept.port) ||
    kept.port < 1 ||
    kept.port > 65535
  )
    return listen;
  return formatHostPort({ host: wanted.host, port: kept.port });
}

/** Records the port the link listener bound for a `listen` on port 0. */
export async function keepLinkPort(file: string, listen: string, port: number): Promise<void> {
  if (parseHostPort(listen, 'link.listen', true).port !== 0) return;
  await replaceFile(file, `${JSON.stringify({ listen, port }, null, 2)}\n`, 0o644);
}
