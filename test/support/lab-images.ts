import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { toolCacheRoot } from './tool-build-wait.js';
import { repositoryRoot } from './kube-tools.js';
import { corednsBinary } from './install-tools.js';

const run = promisify(execFile);

/** One image archive of build-lab-images.sh and the name it is imported under. */
export interface LabImage {
  readonly path: string;
  readonly ref: string;
}

export const buildLabImagesCommand = 'bash test/tools/build-lab-images.sh';

export function labImagesDir(): string {
  return join(toolCacheRoot(), 'images');
}

/**
 * Builds whatever image is missing (the Causeway image whenever its source changed) and lists
 * them all. Cheap when everything is cached (about a second, most of it hashing the source); a
 * build already running elsewhere on the machine is waited for through its lock.
 */
export async function ensureLabImages(): Promise<LabImage[]> {
  // The CoreDNS image wraps the binary of build-install-tools.sh: wait for a build of it in progress
  // (in CI the background build makes it, then the images) rather than fail for its absence.
  corednsBinary();
  const { stdout } = await run('bash', [join(repositoryRoot(), 'test/tools/build-lab-images.sh')], {
    timeout: 1_800_000,
    maxBuffer: 16 << 20,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(
      `building the lab images failed (\`${buildLabImagesCommand}\`): ${err.stderr?.slice(-3000) ?? err.message}`,
    );
  });
  // The cache may hold Causeway images of other checkouts; the script names this source's.
  const causeway = /^causeway-archive: (.+)$/m.exec(stdout)?.[1];
  if (causeway === undefined)
    throw new Error(
      `${buildLabImagesCommand} named no Causeway archive; output:\n${stdout.slice(-2000)}`,
    );
  return listLabImages(causeway);
}

/** The image archives in the cache, each with its `.ref`; of the Causeway ones only `causewayArchive`. */
export function listLabImages(causewayArchive: string): LabImage[] {
  const dir = labImagesDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ref'))
    .map((name) => ({
      path: join(dir, name.replace(/\.ref$/, '.tar')),
      ref: readFileSync(join(dir, name), 'utf8').trim(),
    }))
    .filter(
      (image) => !basename(image.path).startsWith('causeway-') || image.path === causewayArchive,
    );
}
