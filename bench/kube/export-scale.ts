/**
 * 1,000 exported services × 10 endpoints in one cluster: how long until every ServiceImport (with
 * its IP, derived Service and EndpointSlice) is usable in the other cluster, and how much memory
 * each controller holds. Baseline in the same run: the API server's own cost of storing the same
 * number of Services + EndpointSlices + ServiceExports from one client (the floor any
 * controller-driven sync sits on). Real API servers, routers and controllers, as in the tests.
 */
import { readFile } from 'node:fs/promises';
import {
  Resources,
  collectionPath,
  serviceImports,
  type EndpointSlice,
  type ServiceImport,
} from '../../src/kube/index.js';
import { KubeClusterset } from '../../test/support/kube-clusterset.js';

const SERVICES = Number(process.env['BENCH_SERVICES'] ?? 1_000);
const ENDPOINTS = 10;
const CONCURRENCY = 16;

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function rssMiB(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid ?? 0}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function usableImports(set: KubeClusterset, cluster: string): Promise<number> {
  const rest = set.rest(cluster);
  const [sis, slices] = await Promise.all([
    rest.list<ServiceImport>(collectionPath(serviceImports('v1beta1'), 'bench')),
    rest.list<EndpointSlice>(collectionPath(Resources.endpointSlices, 'bench'), {
      labelSelector: 'endpointslice.kubernetes.io/managed-by=controller.causeway.io',
    }),
  ]);
  const withSlice = new Set(
    slices.items.map((s) => s.metadata.labels?.['multicluster.kubernetes.io/service-name']),
  );
  return sis.items.filter(
    (si) => (si.spec?.ips ?? []).length > 0 && withSlice.has(si.metadata.name),
  ).length;
}

const set = await KubeClusterset.create(
  ['east', 'west'],
  ['east', 'west'],
  (prefix, i) => `${prefix}.${128 + 64 * i}.0/18`,
);
try {
  for (const cluster of ['east', 'west']) await set.namespace(cluster, 'bench');
  await set.namespace('east', 'baseline');
  const controllers = await Promise.all(
    ['east', 'west'].map((c) => set.startController(c, ['--workers', '16'])),
  );
  const indexes = Array.from({ length: SERVICES }, (_, i) => i);
  const endpoints = (i: number) =>
    Array.from({ length: ENDPOINTS }, (_, j) => ({
      address: `${set.lab.prefix}.${32 + (i % 64)}.${j + 1}`,
      zone: `zone-${j % 3}`,
    }));

  // Baseline: the same objects stored by one client, nothing reacting to them.
  let t0 = Date.now();
  await inParallel(indexes, async (i) => {
    await set.service('east', 'baseline', `svc-${i}`, [{ name: 'tcp', port: 80 }]);
    await set.endpointSlice(
      'east',
      'baseline',
      `svc-${i}`,
      { name: 'tcp', port: 10_000 + i },
      endpoints(i),
    );
  });
  const baselineMs = Date.now() - t0;

  await inParallel(indexes, async (i) => {
    await set.service('east', 'bench', `svc-${i}`, [{ name: 'tcp', port: 80 }]);
    await set.endpointSlice(
      'east',
      'bench',
      `svc-${i}`,
      { name: 'tcp', port: 10_000 + i },
      endpoints(i),
    );
  });
  t0 = Date.now();
  await inParallel(indexes, (i) => set.serviceExport('east', 'bench', `svc-${i}`));
  const exportsWrittenMs = Date.now() - t0;
  let synced = 0;
  const deadline = Date.now() + 600_000;
  while (synced < SERVICES && Date.now() < deadline) {
    synced = await usableImports(set, 'west');
    if (synced < SERVICES) await new Promise((r) => setTimeout(r, 250));
  }
  const syncMs = Date.now() - t0;
  const [eastRss = 0, westRss = 0] = await Promise.all(controllers.map((c) => rssMiB(c.pid)));
  const rows = [
    ['services × endpoints', `${SERVICES} × ${ENDPOINTS}`],
    ['ServiceExports written (east)', `${exportsWrittenMs} ms`],
    ['full sync: usable ServiceImports in west', `${synced}/${SERVICES} in ${syncMs} ms`],
    ['baseline: store Services + EndpointSlices, one client', `${baselineMs} ms`],
    ['ratio full sync / baseline', (syncMs / baselineMs).toFixed(2)],
    ['controller RSS east / west', `${eastRss.toFixed(0)} MiB / ${westRss.toFixed(0)} MiB`],
  ];
  for (const [k, v] of rows) console.log(`${(k ?? '').padEnd(55)} ${v ?? ''}`);
} finally {
  await set.close();
}
