import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const secretFileMode = 0o600;

/**
 * Replaces `path` with `contents`, readable by the owner only. The data goes to a 0600 temp file
 * in the same directory, is fsynced and then renamed over the target, so readers see the old
 * file or the new one, never a torn or briefly world-readable one.
 */
export async function writeSecretFile(path: string, contents: string | Uint8Array): Promise<void> {
  const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tempPath, 'wx', secretFileMode);
    try {
      // The umask can only remove bits, but chmod makes the mode independent of it anyway.
      await file.chmod(secretFileMode);
      await file.writeFile(contents);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tempPath, path);
  } catch (err) {
    await unlink(tempPath).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

// Without a directory fsync the rename itself may be lost on power failure.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename has still happened.
  } finally {
    await handle.close();
  }
}
