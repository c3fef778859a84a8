import { readStateFile, replaceFile, withSiteLock } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { decodeRevocation, type SiteRevocation } from './site-revocation.js';

/**
 * Reads revocations.json. Absent: none. Unreadable or corrupt: refused, since a site that forgot a
 * revocation would let the revoked site link again.
 */
export async function loadRevocations(file: string): Promise<SiteRevocation[]> {
  const read = await readStateFile(file, decodeRevocationsFile);
  switch (read.kind) {
    case 'absent':
      return [];
    case 'ok':
      return read.value;
    case 'unreadable':
    case 'corrupt':
      throw new CausewayError(
        ErrorCode.ConfigInvalid,
        `${file}: the revoked sites are ${read.kind} (${String(read.error)})`,
        {
          cause: read.error,
          hint: 'restore it from a backup or copy it from another site of the clusterset (every site keeps the same list)',
        },
      );
  }
}

/** Adds revocations not yet in the file (by site), under the site lock; resolves with those added. */
export async function addRevocations(
  file: string,
  lock: string,
  revocations: readonly SiteRevocation[],
): Promise<SiteRevocation[]> {
  return withSiteLock(lock, async () => {
    const kept = await loadRevocations(file);
    const known = new Set(kept.map((r) => r.site));
    const added = revocations.filter((r) => !known.has(r.site) && known.add(r.site));
    if (added.length === 0) return [];
    const all = [...kept, ...added].sort((a, b) => a.site.localeCompare(b.site));
    await replaceFile(file, `${JSON.stringify({ revocations: all }, null, 1)}\n`, 0o644);
    return added;
  });
}

function decodeRevocationsFile(raw: unknown): SiteRevocation[] {
  const list = (raw as { revocations?: unknown } | null)?.revocations;
  if (!Array.isArray(list)) throw new TypeError('"revocations" is not a list');
  return list.map((entry) => decodeRevocation(entry));
}
