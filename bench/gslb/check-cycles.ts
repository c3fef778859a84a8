import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportConfig, sitePaths } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { dig } from '../../test/support/dig.js';
import { freePort, startEchoServer } from '../../test/support/tcp-probes.js';

const ZONE = 'gslb.example.com';
const NAME = `api.${ZONE}`;
const EAST = '127.0.0.11';
const WEST = '127.0.0.12';
export const CHECK_TTL_S = 1;
/** Probe every 1 s, 2 failures, refused at once; then up to 0.5 s until every checker polled it. */
export const CHECK_DETECTION_MS = 3_000;

/** One kill/heal cycle of east's ingress, as a client loop over the three servers saw it. */
export interface CheckCycle {
  cutMs: number;
  failoverMs: number | undefined;
  recoveryMs: number | undefined;
  /** Answers naming east after cut + detection + TTL and before the heal. */
  staleAfterBound: number;
  /** Changes of the answer beyond the two a cycle needs. */
  flaps: number;
  samples: number;
}

/** A region's ingress that a cycle kills (its port closes) and heals. */
class Ingress {
  private server: Server | undefined;
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}
  async up(): Promise<void> {
    this.server = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((r) => this.server!.listen(this.port, this.host, () => r()));
  }
  down(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }
}

/**
 * `cycles` random kill/heal cycles of the primary's ingress under active health checks from three
 * `gslb serve` checkers on loopback; a client asks a random server every 50 ms. Stops by itself
 * after `maxSeconds`, returning the cycles done.
 */
export async function measureCheckCycles(
  cycles: number,
  maxSeconds: number,
  log: (line: string) => void,
): Promise<CheckCycle[]> {
  const fx = await ClustersetFixture.create();
  const servers: ChildProcess[] = [];
  const closers: Array<() => void> = [];
  try {
    await fx.initClusterset(['east', 'west']);
    for (const site of ['east', 'west']) {
      const echo = await startEchoServer();
      closers.push(() => echo.server.close());
      await editSiteConfig(sitePaths(fx.dir(site)), (config) => {
        config.exports.push(
          ExportConfig.parse({
            name: 'web',
            namespace: 'shop',
            port: 80,
            to: `127.0.0.1:${echo.port}`,
          }),
        );
      });
      await fx.startRouter(site);
    }
    await fx.link('west', 'east');
    const port = await freePort();
    const east = new Ingress(EAST, port);
    const west = new Ingress(WEST, port);
    await east.up();
    await west.up();
    closers.push(
      () => east.down(),
      () => west.down(),
    );
    const dns: string[] = [];
    const metrics: string[] = [];
    for (let i = 0; i < 3; i++) {
      dns.push(`127.0.0.1:${await freePort()}`);
      metrics.push(`127.0.0.1:${await freePort()}`);
    }
    const file = join(fx.root, 'gslb.yaml');
    await fx.cli([
      'gslb',
      'init',
      '--file',
      file,
      '--zone',
      ZONE,
      '--ns',
      `ns1.${ZONE}=127.0.0.1`,
      '--router',
      fx.dir('east'),
      ...metrics.flatMap((m) => ['--checker', m]),
    ]);
    await fx.cli([
      'gslb',
      'set',
      'api',
      '--file',
      file,
      '--service',
      'shop/web',
      '--target',
      `east=${EAST}`,
      '--target',
      `west=${WEST}`,
      '--hold-down',
      '1',
      '--ttl',
      String(CHECK_TTL_S),
      '--check',
      `tcp:${port}`,
    ]);
    for (let i = 0; i < 3; i++)
      servers.push(
        spawn(
          process.execPath,
          [
            CLI_ENTRY,
            'gslb',
            'serve',
            '--file',
            file,
            '--listen',
            dns[i]!,
            '--metrics',
            metrics[i]!,
          ],
          { stdio: 'ignore' },
        ),
      );
    const ask = async (): Promise<{ at: number; site: string }> => {
      const server = dns[Math.floor(Math.random() * dns.length)]!;
      const a = await dig(server, NAME).catch(() => undefined);
      const line = a?.answers[0] ?? '';
      return {
        at: Date.now(),
        site: line.endsWith(EAST) ? 'east' : line.endsWith(WEST) ? 'west' : 'none',
      };
    };
    const until = async (site: string, ms: number): Promise<boolean> => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) if ((await ask()).site === site) return true;
      return false;
    };
    if (!(await until('east', 30_000))) throw new Error('the servers never answered east');
    const stopAt = Date.now() + maxSeconds * 1000;
    const results: CheckCycle[] = [];
    for (let i = 0; i < cycles && Date.now() < stopAt; i++) {
      const cutMs = 1_500 + Math.floor(Math.random() * 3_500);
      const samples: Array<{ at: number; site: string }> = [];
      const cutAt = Date.now();
      east.down();
      while (Date.now() < cutAt + cutMs) {
        samples.push(await ask());
        await sleep(50);
      }
      const healAt = Date.now();
      await east.up();
      // Back: until east is answered again (probes, hold-down 1 s, TTL), then a second of samples.
      const recoveryDeadline = healAt + 15_000;
      let back: number | undefined;
      while (Date.now() < recoveryDeadline && (back === undefined || Date.now() < back + 1_000)) {
        const s = await ask();
        samples.push(s);
        if (back === undefined && s.site === 'east') back = s.at;
        await sleep(50);
      }
      const bound = cutAt + CHECK_DETECTION_MS + CHECK_TTL_S * 1000;
      const moved = samples.find((s) => s.site === 'west');
      const sites = samples.map((s) => s.site).filter((s) => s !== 'none');
      const changes = sites.filter((s, j) => j > 0 && s !== sites[j - 1]).length;
      const cycle: CheckCycle = {
        cutMs,
        failoverMs: moved === undefined ? undefined : moved.at - cutAt,
        recoveryMs: back === undefined ? undefined : back - healAt,
        staleAfterBound: samples.filter((s) => s.at >= bound && s.at < healAt && s.site === 'east')
          .length,
        flaps: Math.max(0, changes - (moved === undefined ? 0 : 2)),
        samples: samples.length,
      };
      results.push(cycle);
      log(
        `check cycle ${i + 1}/${cycles}: cut ${cutMs} ms, failover ${cycle.failoverMs ?? '-'} ms, recovery ${cycle.recoveryMs ?? '-'} ms, stale ${cycle.staleAfterBound}, flaps ${cycle.flaps}`,
      );
    }
    return results;
  } finally {
    await Promise.all(servers.map((s) => stopChild(s)));
    for (const close of closers) close();
    await fx.close();
  }
}
