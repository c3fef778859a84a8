import { readStateFile, replaceFile } from '../site-files/index.js';

/**
 * Peers whose link this site removed (`causeway link remove`), in removed-peers.json: the router
 * refuses their connections and tells them to stop dialing, until one redeems a new token here.
 */
export async function loadRemovedPeers(file: string): Promise<Set<string>> {
  const read = await readStateFile(file, (raw) => (raw as { peers?: unknown } | null)?.peers);
  if (read.kind !== 'ok') return new Set();
  // A damaged or unreadable file refuses nobody rather than stopping the router; `link remove` rewrites it.
  const list = read.value;
  return new Set(Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : []);
}

/** Writes the set atomically; callers hold the site lock. */
export async function saveRemovedPeers(file: string, peers: ReadonlySet<string>): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ peers: [...peers].sort() }, null, 2)}\n`, 0o644);
}
