import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import { sitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { StatusReport } from '../api/index.js';
import {
  createLink,
  exposeService,
  importService,
  initSite,
  issueLinkToken,
} from '../site/index.js';
import { startDemoBackend } from './demo-backend.js';
import { startRouterProcess, type RouterProcess } from './router-process.js';

export const DEMO_SITES = [
  { id: 'us-east', zone: 'us-east-1a', region: 'us-east-1', backend: true },
  { id: 'eu-west', zone: 'eu-west-1a', region: 'eu-west-1', backend: true },
  { id: 'ap-south', zone: 'ap-south-1a', region: 'ap-south-1', backend: false },
] as const;

export interface DemoNetwork {
  root: string;
  routers: Map<string, RouterProcess>;
  backends: Server[];
  importAddress: { host: string; port: number };
  stop(): Promise<void>;
}

export type Progress = (step: string, detail?: string) => void;

/**
 * Builds the demo clusterset on this machine, without root: three routers as separate processes,
 * linked by tokens (eu-west and ap-south join us-east's clusterset; ap-south also links eu-west),
 * a `web.demo` backend in us-east and eu-west, imported in ap-south.
 */
export async function startDemoNetwork(progress: Progress, root?: string): Promise<DemoNetwork> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'causeway-demo-')));
  const routers = new Map<string, RouterProcess>();
  const backends: Server[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...routers.values()].map((r) => r.stop()));
    for (const b of backends) b.close();
    if (root === undefined) await rm(dir, { recursive: true, force: true });
  };
  try {
    progress('creating sites', DEMO_SITES.map((s) => s.id).join(', '));
    for (const s of DEMO_SITES) {
      await initSite({
        id: s.id,
        zone: s.zone,
        region: s.region,
        dir: join(dir, s.id),
        listen: '127.0.0.1:0',
        advertise: [],
      });
    }
    progress('starting routers', 'one process per site');
    const started = await Promise.all(DEMO_SITES.map((s) => startRouterProcess(join(dir, s.id))));
    started.forEach((r, i) => routers.set(DEMO_SITES[i]?.id ?? '', r));

    progress('linking sites', 'eu-west → us-east, ap-south → us-east, ap-south → eu-west');
    const paths = (id: string) => sitePaths(join(dir, id));
    const usToken = await issueLinkToken(paths('us-east'), { uses: 2, ttlMs: 60_000 });
    await createLink(paths('eu-west'), usToken.text, { cost: 1, connections: 1 });
    await createLink(paths('ap-south'), usToken.text, { cost: 1, connections: 1 });
    const euToken = await issueLinkToken(paths('eu-west'), { uses: 1, ttlMs: 60_000 });
    await createLink(paths('ap-south'), euToken.text, { cost: 1, connections: 1 });

    progress('starting backends', 'web.demo in us-east and eu-west');
    for (const s of DEMO_SITES.filter((x) => x.backend)) {
      const backend = await startDemoBackend(s.id);
      backends.push(backend.server);
      await exposeService(paths(s.id), {
        name: 'web',
        namespace: 'demo',
        port: 80,
        to: `127.0.0.1:${backend.port}`,
      });
    }
    await importService(paths('ap-south'), {
      name: 'web',
      namespace: 'demo',
      listen: '127.0.0.1:0',
    });
    const apSouth = routers.get('ap-south') as RouterProcess;
    const importAddress = await waitForExporters(apSouth, 2);
    progress(
      'ready',
      `web.demo imported in ap-south at ${importAddress.host}:${importAddress.port}`,
    );
    return { root: dir, routers, backends, importAddress, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until the import sees `count` exporting sites over live links. */
async function waitForExporters(
  router: RouterProcess,
  count: number,
): Promise<{ host: string; port: number }> {
  const deadline = Date.now() + 15_000;
  let last: StatusReport | undefined;
  while (Date.now() < deadline) {
    last = await router.api.status();
    const imp = last.imports[0];
    const linksUp = last.links.filter((l) => l.state === 'up').length;
    if (imp !== undefined && imp.exporters.length >= count && linksUp >= count) {
      const [host, port] = [
        imp.listen.slice(0, imp.listen.lastIndexOf(':')),
        Number(imp.listen.slice(imp.listen.lastIndexOf(':') + 1)),
      ];
      return { host, port };
    }
    await sleep(50);
  }
  throw new CausewayError(
    ErrorCode.Timeout,
    `ap-south did not see the service from ${count} sites in time (last status: ${JSON.stringify(last?.imports)})`,
  );
}

/** Sends `count` HTTP requests, each on a new connection, and counts which site answered. */
export async function sendDemoTraffic(
  address: { host: string; port: number },
  count: number,
): Promise<{ bySite: Map<string, number>; failed: number; latenciesMs: number[] }> {
  const bySite = new Map<string, number>();
  const latenciesMs: number[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    try {
      const site = await fetchSite(address);
      bySite.set(site, (bySite.get(site) ?? 0) + 1);
      latenciesMs.push(performance.now() - started);
    } catch {
      failed += 1;
    }
  }
  return { bySite, failed, latenciesMs };
}

function fetchSite(address: { host: string; port: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(
      { host: address.host, port: address.port, path: '/', agent: false, timeout: 5_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers['x-served-by'] ?? 'unknown')));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
