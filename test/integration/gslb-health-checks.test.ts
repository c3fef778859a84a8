// Active health checks from three real `gslb serve` processes (the checkers), sharing their results
// through /v1/checks: real HTTP backends go down, fail for one checker only, and come back, and
// every server's `dig` answer follows the share of checkers that agree.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportConfig, sitePaths } from '../../src/config/index.js';
import { CLI_ENTRY, stopChild } from '../../src/demo/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { dig } from '../support/dig.js';
import { freePort, startEchoServer } from '../support/tcp-probes.js';

const ZONE = 'gslb.example.com';
const EAST = '127.0.0.11';
const WEST = '127.0.0.12';

/** The ingress of a region: 200 on /healthz unless told to fail, for everyone or one checker. */
class IngressBackend {
  /** 'nobody', 'everyone', or the name of the one checker it fails for. */
  failFor = 'nobody';
  readonly checkers = new Set<string>();
  private server: Server | undefined;

  async start(host: string, port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const checker = /\((.*)\)/.exec(req.headers['user-agent'] ?? '')?.[1] ?? '';
      this.checkers.add(checker);
      const failing = this.failFor === 'everyone' || this.failFor === checker;
      res.writeHead(req.url === '/healthz' && !failing ? 200 : 503).end();
    });
    await new Promise<void>((r) => this.server!.listen(port, host, () => r()));
  }

  close(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }
}

describe('gslb active health checks: three checkers, one share', () => {
  let fx: ClustersetFixture;
  const file = (): string => join(fx.root, 'gslb.yaml');
  const echoes: Array<{ close(): void }> = [];
  const servers: ChildProcess[] = [];
  const dns: string[] = [];
  const metrics: string[] = [];
  const east = new IngressBackend();
  const west = new IngressBackend();
  let port = 0;

  /** Every server's answer for api, once they all give `address`. */
  async function allAnswer(address: string, what: string, timeoutMs = 15_000): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const answers = await Promise.all(
        dns.map((d) => dig(d, `api.${ZONE}`).catch(() => undefined)),
      );
      if (
        answers.every(
          (a) =>
            a?.answers.some((l) => l.endsWith(`\t${address}`) || l.endsWith(` ${address}`)) ===
            true,
        )
      )
        return Date.now() - started;
      await sleep(50);
    }
    const last = await Promise.all(
      dns.map((d) => dig(d, `api.${ZONE}`).catch((e: Error) => e.message)),
    );
    throw new Error(
      `${what}: not every server answered ${address} within ${timeoutMs} ms: ${JSON.stringify(last)}`,
    );
  }

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['east', 'west']);
    for (const site of ['east', 'west']) {
      const echo = await startEchoServer();
      echoes.push(echo.server);
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
    port = await freePort();
    await east.start(EAST, port);
    await west.start(WEST, port);
    for (let i = 0; i < 3; i++) {
      dns.push(`127.0.0.1:${await freePort()}`);
      metrics.push(`127.0.0.1:${await freePort()}`);
    }
    await fx.cli([
      'gslb',
      'init',
      '--file',
      file(),
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
      file(),
      '--service',
      'shop/web',
      '--target',
      `east=${EAST}`,
      '--target',
      `west=${WEST}`,
      '--hold-down',
      '0',
      '--ttl',
      '1',
      '--check',
      `http:${port}/healthz`,
      '--check-share',
      '0.5',
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
            file(),
            '--listen',
            dns[i]!,
            '--metrics',
            metrics[i]!,
          ],
          { stdio: 'ignore' },
        ),
      );
  });

  after(async () => {
    await Promise.all(servers.map((s) => stopChild(s)));
    east.close();
    west.close();
    for (const e of echoes) e.close();
    await fx?.close();
  });

  it('all healthy: every server answers east, and each checker probed it under its own name', async () => {
    await allAnswer(EAST, 'start');
    const deadline = Date.now() + 5_000;
    while (east.checkers.size < 3 && Date.now() < deadline) await sleep(50);
    assert.deepEqual([...east.checkers].sort(), [...metrics].sort());
  });

  it('east fails for one checker of three: 2 of 3 agree it is healthy (share 0.5), answers stay on east', async () => {
    east.failFor = metrics[0]!;
    // Every server has counted checker 0's dissent: 2 of 3 healthy votes for east.
    const counted = async (m: string): Promise<boolean> => {
      const body = (await (await fetch(`http://${m}/v1/checks`)).json()) as {
        votes?: Array<{ site: string; healthy: number; total: number }>;
      };
      const v = body.votes?.find((x) => x.site === 'east');
      return v?.healthy === 2 && v.total === 3;
    };
    const deadline = Date.now() + 10_000;
    while (!(await Promise.all(metrics.map(counted))).every(Boolean)) {
      if (Date.now() > deadline) {
        const bodies = await Promise.all(
          metrics.map(async (m) => (await fetch(`http://${m}/v1/checks`)).text()),
        );
        assert.fail(`the servers never counted the dissent: ${bodies.join(' | ')}`);
      }
      await sleep(50);
    }
    await allAnswer(EAST, 'one dissenting checker');
    // Raising the share to 0.9 makes the one dissent decide.
    await fx.cli(['gslb', 'set', 'api', '--file', file(), '--check-share', '0.9']);
    await allAnswer(WEST, 'share 0.9');
    await fx.cli(['gslb', 'set', 'api', '--file', file(), '--check-share', '0.5']);
    east.failFor = 'nobody';
    await allAnswer(EAST, 'east healthy for all again');
  });

  it("east's ingress goes down for everyone: every server answers west within detection; back when it returns", async () => {
    east.failFor = 'everyone';
    const failover = await allAnswer(WEST, 'east down');
    // interval 1 s × threshold 2, plus the 0.5 s exchange: a few seconds, not Route 53's 30 s.
    assert.ok(failover < 8_000, `failover took ${failover} ms`);
    east.failFor = 'nobody';
    await allAnswer(EAST, 'east back');
  });

  it('bad input: a check that is not one, and a share outside 0..1, exit 2 with the fix', async () => {
    for (const args of [
      ['--check', 'udp:53'],
      ['--check', 'tcp:80/path'],
      ['--check-share', '1.5'],
    ]) {
      const r = await fx.cli(['gslb', 'set', 'api', '--file', file(), ...args], true);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(
        r.stderr,
        args[0] === '--check'
          ? /--check: .* must be tcp:PORT/
          : /--check-share: .* between 0 and 1/,
      );
    }
  });
});
