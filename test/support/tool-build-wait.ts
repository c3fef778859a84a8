import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The tool cache (CAUSEWAY_TOOLS_CACHE moves it), as the build scripts under test/tools use it. */
export function toolCacheRoot(): string {
  return process.env['CAUSEWAY_TOOLS_CACHE'] ?? join(homedir(), '.cache', 'causeway-tools');
}

/**
 * Held by `.ci/run` for as long as it builds the test binaries in the background, while npm
 * installs and the rest of the suite runs.
 */
export function allToolsBuildLock(): string {
  return join(toolCacheRoot(), '.building.lock');
}

/** Waits while someone holds this lock; an idle lock is taken and released at once. */
function waitForLock(lockPath: string, timeoutSeconds: number): void {
  if (!existsSync(lockPath)) return;
  const result = spawnSync('flock', ['-w', String(timeoutSeconds), lockPath, 'true'], {
    stdio: 'ignore',
  });
  if (result.status !== 0)
    throw new Error(
      `gave up after ${timeoutSeconds} s waiting for the tool build holding ${lockPath}`,
    );
}

/**
 * Waits while the test binaries are being built: the whole background build of `.ci/run`, then
 * the build script's own lock beside this tool (a build started by hand in another shell). A test
 * that needs the tool waits here instead of failing. `ownLockSuffices`: the tool's script is the
 * first the background build starts, so its own lock is held from the start and the rest of the
 * build (other tools) need not be waited for.
 */
export function waitForToolBuild(
  lockPath: string,
  timeoutSeconds = 1_800,
  options: { ownLockSuffices?: boolean } = {},
): void {
  if (options.ownLockSuffices !== true) waitForLock(allToolsBuildLock(), timeoutSeconds);
  waitForLock(lockPath, timeoutSeconds);
}
