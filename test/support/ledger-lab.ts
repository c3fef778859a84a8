import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../../src/api/index.js';
import { sitePaths } from '../../src/config/index.js';
import type { StatusReport } from '../../src/api/index.js';
import { startLabProcess } from '../lab/lab-processes.js';
import { inCi, netnsAvailable, netnsSkip } from '../lab/netns-skip.js';
import type { NetLab } from '../lab/net-lab.js';
import { SiteLab } from '../lab/site-lab.js';
import type { ClustersetFixture } from './clusterset-fixture.js';
import type { ClientReport, StoreDump } from './ledger-audit.js';

export const ETCD_BINARY = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';

/** Why the ledger lab cannot run here (no network namespaces; no etcd, outside CI), else false. */
export const ledgerLabSkip: string | false =
  netnsSkip ||
  (!existsSync(ETCD_BINARY) && !inCi
    ? `${ETCD_BINARY} not found (apt-get install etcd-server)`
    : false);

/** Whether the lab has what it needs; in CI a test asserts this instead of being skipped. */
export const ledgerLabAvailable = netnsAvailable && existsSync(ETCD_BINARY);
export const LEASE = 'payments-writer';
const LEDGER_PORT = 8080;
const IMPORT_PORT = 9180;
const LINK_PORT = 7443;
const script = (name: string): string => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

export interface LedgerLabOptions {
  /** Namespace name prefix (kept short: interface names are derived from it). */
  prefix: string;
  ttlSeconds: number;
}

/** A lease acquisition as a router logged it. */
export interface Acquisition {
  region: string;
  at: number;
  fencingToken: number;
}

/**
 * Three regions, each a network namespace on one WAN bridge, each running a member of one etcd
 * cluster (peers on the WAN addresses, so the store partitions with the region), a ledger
 * service, and a Causeway router that exports the ledger as an HTTP single-writer service,
 * imports it for local clients and runs the lease holder loop for payments-writer.
 */
export class LedgerLab {
  readonly regions = ['eu', 'us', 'ap'] as const;
  readonly lab: NetLab;
  readonly fx: ClustersetFixture;

  private constructor(private readonly sites: SiteLab) {
    this.lab = sites.net;
    this.fx = sites.fx;
  }

  static async start(options: LedgerLabOptions): Promise<LedgerLab> {
    const ledgerLab = new LedgerLab(await SiteLab.create(options.prefix));
    try {
      await ledgerLab.#build(options.ttlSeconds);
      return ledgerLab;
    } catch (err) {
      await ledgerLab.close();
      throw err;
    }
  }

  wanIp(region: string): string {
    return `192.0.2.${31 + this.regions.indexOf(region as 'eu')}`;
  }

  api(region: string): ApiClient {
    return new ApiClient(sitePaths(this.fx.dir(region)));
  }

  /** The lease holder as `region`'s router knows it (live leases only). */
  async holder(region: string): Promise<{ holder: string; fencingToken: number } | undefined> {
    const lease = (await this.api(region).status()).leases.find((l) => l.name === LEASE);
    return lease?.live === true && lease.holder !== null && lease.fencingToken !== null
      ? { holder: lease.holder, fencingToken: lease.fencingToken }
      : undefined;
  }

  /** Runs every region's workload client at once; resolves with their reports. */
  async runWorkload(args: {
    ops: number;
    seed: number;
    startWindowMs: number;
    deadlineMs: number;
    pauseMs?: number;
    workers?: number;
  }): Promise<ClientReport[]> {
    const runs = this.regions.map(async (region) => {
      const out = join(this.fx.root, `client-${region}.json`);
      const result = await this.lab.exec(
        region,
        [
          process.execPath,
          script('ledger-client'),
          '--region',
          region,
          '--url',
          `http://127.0.0.1:${IMPORT_PORT}`,
          '--ledger',
          `http://127.0.0.1:${LEDGER_PORT}`,
          '--ops',
          String(args.ops),
          '--seed',
          String(args.seed),
          '--accounts',
          '10',
          '--workers',
          String(args.workers ?? 3),
          '--pause-ms',
          String(args.pauseMs ?? 30),
          '--start-window-ms',
          String(args.startWindowMs),
          '--deadline-ms',
          String(args.deadlineMs),
          '--stop-file',
          this.#stopFile,
          '--out',
          out,
        ],
        { timeoutMs: args.deadlineMs + 30_000 },
      );
      if (result.code !== 0)
        throw new Error(
          `workload in ${region} exited ${result.code}: ${result.stderr.slice(-2_000)}`,
        );
      return JSON.parse(await readFile(out, 'utf8')) as ClientReport;
    });
    return Promise.all(runs);
  }

  /** Clients start no new operations from now on; those in progress still resolve. */
  async stopStartingOperations(): Promise<void> {
    await writeFile(this.#stopFile, 'stop\n');
  }

  get #stopFile(): string {
    return join(this.fx.root, 'workload.stop');
  }

  /** Every stored operation and balance, read through `region`'s ledger (linearizable: heal first). */
  async dump(region: string): Promise<StoreDump> {
    const fetchDump = `fetch('http://127.0.0.1:${LEDGER_PORT}/dump').then((r) => r.text()).then((t) => process.stdout.write(t)).catch((e) => { console.error(e.message); process.exit(1); })`;
    for (let attempt = 0; ; attempt++) {
      const result = await this.lab.exec(region, [process.execPath, '-e', fetchDump], {
        timeoutMs: 20_000,
      });
      const dump =
        result.code === 0 ? (JSON.parse(result.stdout) as Partial<StoreDump>) : undefined;
      if (dump?.ops !== undefined && dump.balances !== undefined)
        return { ops: dump.ops, balances: dump.balances, fence: dump.fence ?? 0 };
      if (attempt >= 20)
        throw new Error(`no dump from ${region}: ${result.stderr}${result.stdout}`);
      await sleep(500);
    }
  }

  /** Lease acquisitions every router logged, oldest first. */
  async acquisitions(): Promise<Acquisition[]> {
    const all: Acquisition[] = [];
    for (const region of this.regions) {
      const log = await readFile(join(this.fx.dir(region), 'router.log'), 'utf8').catch(() => '');
      for (const line of log.split('\n')) {
        if (!line.includes('lease acquired')) continue;
        const entry = JSON.parse(line) as { time: string; fencingToken: number };
        all.push({ region, at: Date.parse(entry.time), fencingToken: entry.fencingToken });
      }
    }
    return all.sort((a, b) => a.at - b.at);
  }

  async close(): Promise<void> {
    await this.sites.close();
  }

  async #build(ttlSeconds: number): Promise<void> {
    const { lab, fx, sites } = this;
    for (const region of this.regions)
      await lab.addSite(region, { wanAddress: `${this.wanIp(region)}/24` });
    for (const region of this.regions) sites.track(this.#startEtcd(region));
    await Promise.all(this.regions.map((region) => this.#waitForEtcd(region)));
    sites.track(...(await Promise.all(this.regions.map((region) => this.#startLedger(region)))));

    const dir = (region: string): string => fx.dir(region);
    const created = await fx.cli([
      'site',
      'init',
      '--id',
      'eu',
      '--dir',
      dir('eu'),
      '--listen',
      `${this.wanIp('eu')}:${LINK_PORT}`,
      '--zone',
      'eu-1',
      '--region',
      'eu',
      '--output',
      'json',
    ]);
    const { trustDomain } = JSON.parse(created.stdout) as { trustDomain: string };
    await Promise.all(
      ['us', 'ap'].map((region) =>
        fx.cli([
          'site',
          'init',
          '--id',
          region,
          '--dir',
          dir(region),
          '--listen',
          `${this.wanIp(region)}:${LINK_PORT}`,
          '--zone',
          `${region}-1`,
          '--region',
          region,
          '--ca-dir',
          dir('eu'),
          '--trust-domain',
          trustDomain,
        ]),
      ),
    );
    // Sites are configured side by side; each site's own steps stay in order.
    await Promise.all(
      this.regions.map(async (region) => {
        await fx.cli([
          'lease',
          'store',
          '--etcd',
          'http://127.0.0.1:2379',
          '--ttl',
          `${ttlSeconds}s`,
          '--dir',
          dir(region),
        ]);
        await fx.cli([
          'expose',
          'ledger',
          '--namespace',
          'pay',
          '--port',
          '80',
          '--to',
          `127.0.0.1:${LEDGER_PORT}`,
          '--protocol',
          'http',
          '--writes',
          'single-writer',
          '--lease',
          LEASE,
          '--dir',
          dir(region),
        ]);
        await fx.cli([
          'import',
          'ledger',
          '--namespace',
          'pay',
          '--listen',
          `127.0.0.1:${IMPORT_PORT}`,
          '--dir',
          dir(region),
        ]);
      }),
    );
    await Promise.all(
      this.regions.map((region) => sites.startRouter(region, ['--hold-lease', LEASE])),
    );
    // Full mesh; each link is dialed from the first region of its pair.
    for (const [from, to] of [
      ['us', 'eu'],
      ['ap', 'eu'],
      ['ap', 'us'],
    ] as const)
      await sites.link(from, to);
    for (const region of this.regions) await this.#waitUntil(region, (s) => this.#ready(s), 40_000);
  }

  #ready(s: StatusReport): boolean {
    const lease = s.leases.find((l) => l.name === LEASE);
    return (
      s.partition?.reachable.length === 3 &&
      s.imports.some((i) => i.name === 'ledger' && i.exporters.length === 3) &&
      lease?.live === true
    );
  }

  async #waitUntil(
    region: string,
    predicate: (s: StatusReport) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: StatusReport | undefined;
    while (Date.now() < deadline) {
      last = await this.api(region).status();
      if (predicate(last)) return;
      await sleep(100);
    }
    throw new Error(
      `${region} not ready within ${timeoutMs} ms: ${JSON.stringify({ partition: last?.partition, leases: last?.leases, imports: last?.imports })}`,
    );
  }

  #startEtcd(region: string): ChildProcess {
    const ip = this.wanIp(region);
    const cluster = this.regions.map((r) => `${r}=http://${this.wanIp(r)}:2380`).join(',');
    const log = openSync(join(this.fx.root, `etcd-${region}.log`), 'a');
    // Elections in half a second: a cut-off leader is replaced well within a lease term.
    const child = this.lab.spawn(
      region,
      [
        ETCD_BINARY,
        '--name',
        region,
        '--data-dir',
        join(this.fx.root, `etcd-${region}`),
        '--listen-client-urls',
        `http://127.0.0.1:2379,http://${ip}:2379`,
        '--advertise-client-urls',
        `http://${ip}:2379`,
        '--listen-peer-urls',
        `http://${ip}:2380`,
        '--initial-advertise-peer-urls',
        `http://${ip}:2380`,
        '--initial-cluster',
        cluster,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        `ledger-${this.lab.wanNamespace}`,
        '--heartbeat-interval',
        '100',
        '--election-timeout',
        '500',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    return child;
  }

  async #waitForEtcd(region: string): Promise<void> {
    const probe = `fetch('http://127.0.0.1:2379/health').then((r) => r.json()).then((j) => process.exit(j.health === 'true' ? 0 : 1)).catch(() => process.exit(1))`;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (
        (await this.lab.exec(region, [process.execPath, '-e', probe], { timeoutMs: 5_000 }))
          .code === 0
      )
        return;
      await sleep(200);
    }
    const log = await readFile(join(this.fx.root, `etcd-${region}.log`), 'utf8').catch(() => '');
    throw new Error(`etcd in ${region} not healthy within 30 s:\n${log.slice(-2_000)}`);
  }

  #startLedger(region: string): Promise<ChildProcess> {
    return startLabProcess(this.lab, region, [
      process.execPath,
      script('ledger-service'),
      '--region',
      region,
      '--listen',
      `127.0.0.1:${LEDGER_PORT}`,
      '--etcd',
      'http://127.0.0.1:2379',
    ]);
  }
}
