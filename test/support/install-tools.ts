import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEPLOY_DIR } from '../../src/kube/install/index.js';
import { kubeToolsDir } from './kube-tools.js';
import { waitForToolBuild } from './tool-build-wait.js';

const buildCommand = 'bash test/tools/build-install-tools.sh';

/** The version a tools module pins, which names its cache folder (as the build script reads it). */
function pinnedVersion(moduleDir: string, module: string): string {
  const goMod = readFileSync(join(DEPLOY_DIR, '..', 'test', 'tools', moduleDir, 'go.mod'), 'utf8');
  const version = new RegExp(`^\\s*${module.replace(/\./g, '\\.')}\\s+(v\\S+)`, 'm').exec(
    goMod,
  )?.[1];
  if (version === undefined) throw new Error(`test/tools/${moduleDir}/go.mod pins no ${module}`);
  return version;
}

/** A cached binary built by build-install-tools.sh; throws naming the build command when absent. */
function cachedBinary(envVar: string, folder: string, name: string): string {
  const path = process.env[envVar] ?? join(dirname(kubeToolsDir()), folder, name);
  waitForToolBuild(`${path}.lock`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${name} not found at ${path}; build it once with \`${buildCommand}\` (minutes, then cached)`,
    );
  }
  return path;
}

export function helmBinary(): string {
  return cachedBinary('HELM_BIN', `helm-${pinnedVersion('helm', 'helm.sh/helm/v3')}`, 'helm');
}

export function corednsBinary(): string {
  return cachedBinary(
    'COREDNS_BIN',
    `coredns-${pinnedVersion('coredns', 'github.com/coredns/coredns')}`,
    'coredns',
  );
}
