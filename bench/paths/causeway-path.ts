import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sitePaths } from '../../src/config/index.js';
import { startRouterProcess, type RouterProcess } from '../../src/demo/index.js';
import {
  createLink,
  exposeService,
  importService,
  initSite,
  issueLinkToken,
} from '../../src/site/index.js';
import type { PathUnderTest, RunningPath } from '../path-under-test.js';

/**
 * Two Causeway routers as separate processes, linked with a token: the client connects to the
 * import on the ingress site, the flow crosses the mTLS link, the egress site connects the target.
 * `routerEnv` is added to both routers' environment (say `NODE_OPTIONS=--cpu-prof` to profile them).
 */
export function causewayPath(connections = 1, routerEnv: NodeJS.ProcessEnv = {}): PathUnderTest {
  return {
    name: connections === 1 ? 'causeway' : `causeway-x${connections}`,
    async start(target): Promise<RunningPath> {
      const root = await mkdtemp(join(tmpdir(), 'causeway-bench-'));
      const routers: RouterProcess[] = [];
      const stop = async (): Promise<void> => {
        await Promise.all(routers.map((r) => r.stop()));
        await rm(root, { recursive: true, force: true });
      };
      try {
        for (const id of ['egress', 'ingress']) {
          await initSite({
            id,
            zone: `${id}-a`,
            region: id,
            dir: join(root, id),
            listen: '127.0.0.1:0',
            advertise: [],
          });
        }
        const egress = sitePaths(join(root, 'egress'));
        const ingress = sitePaths(join(root, 'ingress'));
        await exposeService(egress, {
          name: 'target',
          namespace: 'bench',
          port: 9000,
          to: `${target.host}:${target.port}`,
        });
        await importService(ingress, { name: 'target', namespace: 'bench', listen: '127.0.0.1:0' });
        const env = { ...process.env, CAUSEWAY_LOG_LEVEL: 'warn', ...routerEnv };
        routers.push(await startRouterProcess(egress.dir, [], env));
        routers.push(await startRouterProcess(ingress.dir, [], env));
        const token = await issueLinkToken(egress, { uses: 1, ttlMs: 60_000 });
        await createLink(ingress, token.text, { cost: 1, connections });
        const address = await waitForImport(routers[1] as RouterProcess);
        return { ...address, pids: routers.map((r) => r.child.pid ?? 0), stop };
      } catch (err) {
        await stop();
        throw err;
      }
    },
  };
}

async function waitForImport(router: RouterProcess): Promise<{ host: string; port: number }> {
  for (let i = 0; i < 400; i++) {
    const status = await router.api.status();
    const imp = status.imports[0];
    if (imp !== undefined && imp.exporters.length > 0) {
      const cut = imp.listen.lastIndexOf(':');
      return { host: imp.listen.slice(0, cut), port: Number(imp.listen.slice(cut + 1)) };
    }
    await sleep(25);
  }
  throw new Error('the bench import never saw its exporter');
}
