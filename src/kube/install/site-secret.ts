import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { parseSiteConfig, type SiteConfig } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { CAUSEWAY_LABELS } from './install-labels.js';

/** The Secret that holds a site's directory in the cluster; the pod restores its files from it. */
export const SITE_SECRET = 'causeway-site';

/**
 * The files that make a site: config, key material and the state worth keeping across restarts.
 * Runtime files (API socket, lock, runtime.json, logs) are left out: they belong to one process.
 * vips.json and import-ports.json are kept so a re-created pod serves each import on the same
 * address and port, and the derived Services' EndpointSlices need not change.
 * The controller's managed.json is not: it is rebuilt from the cluster's objects, and it changes
 * with every endpoint, which would make every endpoint change a Secret write.
 */
export const SITE_FILES = [
  'site.yaml',
  'site.key',
  'site.crt',
  'ca.crt',
  'ca.key',
  'tokens.json',
  'vips.json',
  'import-ports.json',
  'members.json',
] as const;

/** File name → contents. */
export type SiteFiles = Map<string, Buffer>;

/** Reads a site directory's files (the optional ones only when present). */
export async function readSiteFiles(dir: string): Promise<SiteFiles> {
  const files: SiteFiles = new Map();
  for (const name of SITE_FILES) {
    const content = await readFile(join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (content !== undefined) files.set(name, content);
  }
  if (!files.has('site.yaml'))
    throw new CausewayError(ErrorCode.ConfigMissing, `${dir} has no site.yaml`);
  return files;
}

/** The Secret object for a site's files. */
export function siteSecret(namespace: string, files: SiteFiles): V1Secret {
  const data: Record<string, string> = {};
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    data[name] = content.toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: SITE_SECRET, namespace, labels: { ...CAUSEWAY_LABELS } },
    data,
  };
}

/** A site's files back from its Secret. */
export function siteFilesOf(secret: V1Secret): SiteFiles {
  return new Map(
    Object.entries(secret.data ?? {}).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
  );
}

/** The site config inside the files. */
export function siteConfigOf(files: SiteFiles, source: string): SiteConfig {
  const text = files.get('site.yaml');
  if (text === undefined)
    throw new CausewayError(ErrorCode.ConfigMissing, `${source} holds no site.yaml`, {
      hint: 'remove it and run `causeway kube install` again',
    });
  return parseSiteConfig(text.toString('utf8'), `${source}: site.yaml`);
}

/** A digest of the files: the pod template carries it, so changed material rolls the pod. */
export function siteFilesChecksum(files: SiteFiles): string {
  const hash = createHash('sha256');
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    hash.update(name).update('\0').update(content).update('\0');
  return hash.digest('hex').slice(0, 16);
}
