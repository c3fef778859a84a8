import type { Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sitePaths } from '../config/index.js';
import { editSiteConfig, exposeService, importService } from '../site/index.js';
import { startDemoBackend } from './demo-backend.js';
import { sendDemoTraffic } from './demo-network.js';
import type { RouterProcess } from './router-process.js';

export interface ScenarioPhase {
  phase: string;
  answers: Record<string, number>;
  failed: number;
}

const REQUESTS = 20;

/**
 * The seed material's exercise: `rebel-base` runs in us-east and eu-west, each replica answering
 * with its site's name; a client in us-east sends 20 requests per phase — affinity none, affinity
 * local, local replicas killed, local replicas back — and the distribution of each is recorded.
 */
export async function runRebelBaseScenario(
  root: string,
  routers: Map<string, RouterProcess>,
  say: (line: string) => void,
): Promise<{ phases: ScenarioPhase[]; stop(): void }> {
  const paths = (id: string) => sitePaths(join(root, id));
  const servers = new Map<string, { server: Server; port: number }>();
  for (const site of ['us-east', 'eu-west']) {
    const backend = await startDemoBackend(site);
    servers.set(site, backend);
    await exposeService(paths(site), {
      name: 'rebel-base',
      namespace: 'default',
      port: 80,
      to: `127.0.0.1:${backend.port}`,
    });
  }
  await importService(paths('us-east'), {
    name: 'rebel-base',
    namespace: 'default',
    listen: '127.0.0.1:0',
  });
  const client = routers.get('us-east') as RouterProcess;
  const address = await importAddressWithSites(client, 2);
  const phases: ScenarioPhase[] = [];
  const measure = async (phase: string): Promise<void> => {
    const traffic = await sendDemoTraffic(address, REQUESTS);
    phases.push({ phase, answers: Object.fromEntries(traffic.bySite), failed: traffic.failed });
    say(
      `  ${phase}: ${[...traffic.bySite].map(([s, n]) => `${s} ${n}`).join(', ')}${traffic.failed > 0 ? `, failed ${traffic.failed}` : ''}`,
    );
  };

  await measure('affinity none');
  await setAffinity(paths('us-east'), 'local');
  await measure('affinity local');

  const local = servers.get('us-east') as { server: Server; port: number };
  await closeServer(local.server);
  // Active checks (every 500 ms, 2 failures) take the dead replicas out; retries cover the gap.
  await sleep(1_500);
  await measure('local replicas killed');

  servers.set('us-east', await startDemoBackend('us-east', local.port));
  await sleep(1_500);
  await measure('local replicas back');
  return { phases, stop: () => servers.forEach((s) => s.server.close()) };
}

async function setAffinity(
  paths: ReturnType<typeof sitePaths>,
  affinity: 'none' | 'local',
): Promise<void> {
  await editSiteConfig(paths, (config) => {
    config.policies = [
      ...config.policies.filter((p) => p.service !== 'rebel-base'),
      { service: 'rebel-base', namespace: 'default', locality: 'Any', affinity },
    ];
  });
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function importAddressWithSites(
  router: RouterProcess,
  sites: number,
): Promise<{ host: string; port: number }> {
  for (let i = 0; i < 400; i++) {
    const status = await router.api.status();
    const imp = status.imports.find((x) => x.name === 'rebel-base' && x.kind === 'configured');
    if (imp !== undefined && imp.exporters.length >= sites) {
      const cut = imp.listen.lastIndexOf(':');
      return { host: imp.listen.slice(0, cut), port: Number(imp.listen.slice(cut + 1)) };
    }
    await sleep(25);
  }
  throw new Error('rebel-base never became reachable from us-east');
}
