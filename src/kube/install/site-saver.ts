import type { V1Secret } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { Logger } from '../../observability/index.js';
import type { KubeSession } from './kube-session.js';
import {
  SITE_SECRET,
  readSiteFiles,
  siteConfigOf,
  siteFilesChecksum,
  siteFilesOf,
  siteSecret,
} from './site-secret.js';

export interface SiteSaverOptions {
  session: KubeSession;
  dir: string;
  namespace: string;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * Keeps Secret causeway-site in step with the pod's site directory. The pod restores its files from
 * that Secret when it starts; what changes later (a link, the certificate of a clusterset joined,
 * virtual IPs, issued tokens) lives in the directory, and would be lost with the pod otherwise.
 * Polls: a handful of small files every few seconds costs nothing and survives editors' renames.
 */
export async function keepSiteSaved(options: SiteSaverOptions): Promise<void> {
  let saved = await savedChecksum(options);
  while (!options.signal.aborted) {
    saved = await saveIfChanged(options, saved);
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** One look: saves the directory if it differs from the Secret (and is the same site); true when written. */
export async function saveSiteOnce(
  options: Omit<SiteSaverOptions, 'intervalMs' | 'signal'>,
): Promise<boolean> {
  const saved = await savedChecksum(options);
  return (await saveIfChanged(options, saved)) !== saved;
}

/** Writes the Secret when the directory differs from what was saved last; returns the new checksum. */
async function saveIfChanged(
  options: Omit<SiteSaverOptions, 'intervalMs' | 'signal'>,
  saved: string | undefined,
): Promise<string | undefined> {
  const files = await readSiteFiles(options.dir);
  const checksum = siteFilesChecksum(files);
  if (checksum === saved) return saved;
  await options.session.apply(siteSecret(options.namespace, files));
  options.logger.info(
    { secret: `${options.namespace}/${SITE_SECRET}`, files: [...files.keys()], checksum },
    'site files saved to Secret',
  );
  return checksum;
}

/** What the Secret holds now; refuses a directory of another site, which must never overwrite it. */
async function savedChecksum(
  options: Omit<SiteSaverOptions, 'intervalMs' | 'signal'>,
): Promise<string | undefined> {
  const secret = await options.session.read<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    name: SITE_SECRET,
    namespace: options.namespace,
  });
  if (secret === undefined) return undefined;
  const inSecret = siteConfigOf(siteFilesOf(secret), `Secret ${options.namespace}/${SITE_SECRET}`)
    .site.id;
  const inDir = siteConfigOf(await readSiteFiles(options.dir), options.dir).site.id;
  if (inSecret !== inDir) {
    throw new CausewayError(
      ErrorCode.KubeSiteMismatch,
      `${options.dir} holds site ${inDir}, but Secret ${options.namespace}/${SITE_SECRET} is site ${inSecret}`,
      {
        hint: 'point --dir at the directory restored from that Secret',
      },
    );
  }
  return siteFilesChecksum(siteFilesOf(secret));
}
