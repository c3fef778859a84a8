import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { CausewayError, ErrorCode } from '../../errors/index.js';

/**
 * The repository's (or the image's) `deploy/` folder. From `dist/src/kube/install/` it is four
 * levels up; the image keeps the same layout under /app.
 */
export const DEPLOY_DIR = fileURLToPath(new URL('../../../../deploy/', import.meta.url));

/** The manifest folders `causeway kube install` reads: plain objects, CRDs, and the controller's RBAC. */
export type DeployFolder = 'manifests' | 'crds' | 'rbac';

/** Every object of every `*.yaml` file in a deploy folder, in file-name order. */
export async function loadDeployFolder(
  folder: DeployFolder,
  root = DEPLOY_DIR,
): Promise<KubernetesObject[]> {
  const dir = join(root, folder);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigMissing,
      `${dir} is missing, so this installation of Causeway is incomplete`,
      {
        cause: err,
        hint: 'run causeway from a full checkout or the causeway image, which both carry deploy/',
      },
    );
  }
  const objects: KubernetesObject[] = [];
  for (const name of names)
    objects.push(...parseManifests(await readFile(join(dir, name), 'utf8'), join(dir, name)));
  return objects;
}

/**
 * Parses multi-document YAML into objects; empty documents (comments only) are skipped.
 * Read as YAML 1.1, as kubectl and Helm read manifests (sigs.k8s.io/yaml): there `0440` is octal
 * 288, which a volume's `defaultMode` means, while YAML 1.2 would read decimal 440 (mode 0670).
 */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    const error = doc.errors[0];
    if (error !== undefined)
      throw new CausewayError(
        ErrorCode.ConfigInvalid,
        `${source}: not valid YAML: ${error.message.split('\n')[0]}`,
      );
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || !('kind' in value) || !('apiVersion' in value)) {
      throw new CausewayError(
        ErrorCode.ConfigInvalid,
        `${source}: every document must be a Kubernetes object with apiVersion and kind`,
      );
    }
    return [value as KubernetesObject];
  });
}
