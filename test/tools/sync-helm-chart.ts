import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEPLOY_DIR } from '../../src/kube/install/index.js';

/**
 * The chart's copies of deploy/crds and deploy/rbac are generated, never kept by hand: the chart
 * must install exactly what `causeway kube install` installs. `npm run chart:sync` rewrites them;
 * the chart test fails when they differ from what this function makes.
 */
export const CHART_DIR = join(DEPLOY_DIR, 'helm', 'causeway');
const RBAC_TEMPLATE = join('templates', 'rbac.yaml');

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
}

/** Chart-relative path → the text it must have. */
export async function generatedChartFiles(deployDir = DEPLOY_DIR): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await yamlFiles(join(deployDir, 'crds'))) {
    const source = await readFile(join(deployDir, 'crds', name), 'utf8');
    files.set(
      join('crds', name),
      `# Generated from deploy/crds/${name} by \`npm run chart:sync\`; edit that file, not this copy.\n${source}`,
    );
  }
  const rbac: string[] = [];
  for (const name of await yamlFiles(join(deployDir, 'rbac'))) {
    const source = await readFile(join(deployDir, 'rbac', name), 'utf8');
    // The plain manifests name causeway-system; the chart installs into the release's namespace.
    rbac.push(
      `# From deploy/rbac/${name}\n${source.replace(/namespace: causeway-system\b/g, 'namespace: {{ .Release.Namespace }}').trimEnd()}\n`,
    );
  }
  if (rbac.length > 0)
    files.set(
      RBAC_TEMPLATE,
      `# Generated from deploy/rbac by \`npm run chart:sync\`; edit those files, not this one.\n${rbac.join('---\n')}`,
    );
  return files;
}

/** Files under the chart's crds/ (and the RBAC template) that are there now. */
export async function presentChartFiles(chartDir = CHART_DIR): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await yamlFiles(join(chartDir, 'crds')).catch(() => []))
    files.set(join('crds', name), await readFile(join(chartDir, 'crds', name), 'utf8'));
  const rbac = await readFile(join(chartDir, RBAC_TEMPLATE), 'utf8').catch(() => undefined);
  if (rbac !== undefined) files.set(RBAC_TEMPLATE, rbac);
  return files;
}

async function sync(): Promise<void> {
  const wanted = await generatedChartFiles();
  for (const stale of (await presentChartFiles()).keys())
    if (!wanted.has(stale)) await rm(join(CHART_DIR, stale));
  await mkdir(join(CHART_DIR, 'crds'), { recursive: true });
  for (const [path, text] of wanted) await writeFile(join(CHART_DIR, path), text);
  process.stdout.write(`wrote ${wanted.size} file(s) under ${CHART_DIR}\n`);
}

// `npm test` runs every file under dist/test, this one too: only a direct run writes the chart.
const runDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly && process.env['NODE_TEST_CONTEXT'] === undefined) await sync();
