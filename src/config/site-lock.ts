import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CausewayError, ErrorCode } from '../errors/index.js';

/**
 * Who holds a lock: the pid, the pid namespace it is a pid in, and a token of this process.
 * The pid alone misleads in a pod: the router, controller and site-saver containers share the
 * site directory but each is pid 1 of its own pid namespace, and a restarted container is pid 1
 * again, so a lock left by a killed holder names a pid that is alive (often the reader itself).
 */
const OWN_TOKEN = randomUUID();
const OWN_PID_NAMESPACE = pidNamespace();

/** A hold lasts milliseconds (a file write); a lock this old from another pid namespace is stale. */
const FOREIGN_LOCK_STALE_MS = 30_000;

/**
 * Serializes changes to a site directory between the CLI and the running router
 * (config edits, token issue and redemption). The lock file names its holder so a lock left by a
 * crashed process is broken instead of blocking forever.
 */
export async function withSiteLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid} ${OWN_PID_NAMESPACE} ${OWN_TOKEN}`);
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
  const [pidText = '', namespace = '', token = ''] = (
    await readFile(lockFile, 'utf8').catch(() => '')
  ).split(' ');
  const pid = Number.parseInt(pidText, 10);
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written right now
  if (namespace !== OWN_PID_NAMESPACE) return olderThan(lockFile, FOREIGN_LOCK_STALE_MS);
  if (pid === process.pid) return token !== OWN_TOKEN; // an earlier process that had our pid
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/** The pid namespace of this process (`pid:[4026531836]`), or `host` where /proc cannot tell. */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/\s/g, '');
  } catch {
    return 'host';
  }
}
