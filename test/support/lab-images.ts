import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolCacheRoot } from './tool-build-wait.js';
import { repositoryRoot } from './kube-tools.js';

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
  await run('bash', [join(repositoryRoot(), 'test/tools/build-lab-images.sh')], { timeout: 1_800_000, maxBuffer: 16 << 20 }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`building the lab images failed (\`${buildLabImagesCommand}\`): ${err.stderr?.slice(-3000) ?? err.message}`);
  });
  return listLabImages();
}

/** The image archives in the cache, each with its `.ref`; the Causeway one is the current source's. */
export function listLabImages(): LabImage[] {
  const dir = labImagesDir();
  const current = readFileSync(join(dir, 'causeway.current'), 'utf8').trim();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ref') && (!name.startsWith('causeway-') || name === `${current}.ref`))
    .map((name) => ({ path: join(dir, name.replace(/\.ref$/, '.tar')), ref: readFileSync(join(dir, name), 'utf8').trim() }));
}
