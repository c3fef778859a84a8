import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import { CLI_ENTRY } from '../../src/demo/index.js';
import type { NetLab } from './net-lab.js';

/**
 * Runs a small inline Node backend (`script`, given `site host port` as argv) inside a site's
 * namespace; resolves once it prints its first line (it listens by then).
 */
export function startLabBackend(
  lab: NetLab,
  site: string,
  script: string,
  host: string,
  port: number,
): Promise<ChildProcess> {
  return startLabProcess(lab, site, [process.execPath, '-e', script, site, host, String(port)]);
}

/** Starts `argv` inside a site's namespace; resolves once it prints its first line (it is ready by then). */
export async function startLabProcess(
  lab: NetLab,
  site: string,
  argv: readonly string[],
): Promise<ChildProcess> {
  const child = lab.spawn(site, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${argv[1] ?? argv[0] ?? 'process'} in ${site} did not start`)),
      15_000,
    );
    child.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`${argv[1] ?? argv[0] ?? 'process'} in ${site} exited ${code}`)),
    );
  });
  return child;
}

/** `causeway site run` inside the site's namespace; resolves once its runtime file names it. */
export async function startLabRouter(
  lab: NetLab,
  site: string,
  dir: string,
  extraArgs: readonly string[] = [],
): Promise<ChildProcess> {
  const log = openSync(join(dir, 'router.log'), 'a');
  const child = lab.spawn(
    site,
    [process.execPath, CLI_ENTRY, 'site', 'run', '--dir', dir, ...extraArgs],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const api = new ApiClient(sitePaths(dir));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if ((await api.runtime())?.pid === child.pid) return child;
    await sleep(25);
  }
  throw new Error(`router ${site} did not start; see ${join(dir, 'router.log')}`);
}
