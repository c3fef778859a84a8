import { readFile } from 'node:fs/promises';
import { replaceFile } from './replace-file.js';

/**
 * Peers whose link this site removed (`causeway link remove`), in removed-peers.json: the router
 * refuses their connections and tells them to stop dialing, until one redeems a new token here.
 */
export async function loadRemovedPeers(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return new Set();
  try {
    const list = (JSON.parse(text) as { peers?: unknown }).peers;
    return new Set(Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : []);
  } catch {
    // A damaged file refuses nobody rather than stopping the router; `link remove` rewrites it.
    return new Set();
  }
}

/** Writes the set atomically; callers hold the site lock. */
export async function saveRemovedPeers(file: string, peers: ReadonlySet<string>): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ peers: [...peers].sort() }, null, 2)}\n`, 0o644);
}
