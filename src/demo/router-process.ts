import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../api/index.js';
import { sitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { RuntimeInfo } from '../api/index.js';

/** The CLI entry point, so routers run exactly as a user would run them. */
export const CLI_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** A `causeway site run` child process with its logs in <dir>/router.log. */
export interface RouterProcess {
  readonly dir: string;
  readonly child: ChildProcess;
  readonly runtime: RuntimeInfo;
  readonly api: ApiClient;
  stop(): Promise<void>;
}

export async function startRouterProcess(
  dir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RouterProcess> {
  const paths = sitePaths(dir);
  const log = openSync(join(paths.dir, 'router.log'), 'a');
  const child = spawn(
    process.execPath,
    [CLI_ENTRY, 'site', 'run', '--dir', paths.dir, ...extraArgs],
    { stdio: ['ignore', log, log], env },
  );
  const api = new ApiClient(paths);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const runtime = await api.runtime();
    if (runtime !== undefined && runtime.pid === child.pid) {
      return { dir: paths.dir, child, runtime, api, stop: () => stopChild(child) };
    }
    await sleep(25);
  }
  child.kill('SIGKILL');
  const tail = (await readFile(join(paths.dir, 'router.log'), 'utf8').catch(() => ''))
    .trim()
    .split('\n')
    .slice(-5)
    .join('\n');
  throw new CausewayError(
    ErrorCode.Timeout,
    `router in ${paths.dir} did not start${tail === '' ? '' : `; its log ends with:\n${tail}`}`,
    { hint: `read ${join(paths.dir, 'router.log')}` },
  );
}

/** SIGTERM, then SIGKILL if it has not exited within 3 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
