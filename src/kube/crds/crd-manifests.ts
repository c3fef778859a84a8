import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { CustomResourceDefinition } from '../client/kube-objects.js';

/**
 * The CRDs live as YAML under `deploy/crds/` (the install command and the Helm chart apply the same
 * files); this resolves them from the package root, from `src/` and from `dist/src/` alike.
 */
const CRD_DIR = new URL(
  import.meta.url.includes('/dist/') ? '../../../../deploy/crds/' : '../../../deploy/crds/',
  import.meta.url,
);

export const CRD_FILES = {
  serviceExports: 'serviceexports.multicluster.x-k8s.io.yaml',
  serviceImports: 'serviceimports.multicluster.x-k8s.io.yaml',
  clusterProperties: 'clusterproperties.about.k8s.io.yaml',
  globalRecords: 'globalrecords.causeway.io.yaml',
} as const;

export async function loadCrd(file: string): Promise<CustomResourceDefinition> {
  return parse(await readFile(new URL(file, CRD_DIR), 'utf8')) as CustomResourceDefinition;
}

export async function loadCrds(): Promise<CustomResourceDefinition[]> {
  return Promise.all(Object.values(CRD_FILES).map(loadCrd));
}
