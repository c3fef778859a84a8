import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CausewayError, ErrorCode } from '../errors/index.js';

/**
 * Serializes changes to a site directory between the CLI and the running router
 * (config edits, token issue and redemption). The lock file holds the owner's pid so a lock
 * left by a crashed process is broken instead of blocking forever.
 */
export async function withSiteLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await holderIsGone(lockFile)) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new CausewayError(ErrorCode.SiteLocked, `${lockFile} is held by another process`, {
          hint: 'wait for the other causeway command to finish, or remove the file if no causeway process is running',
        });
      }
      await sleep(10);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

async function holderIsGone(lockFile: string): Promise<boolean> {
  const pid = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written right now
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
