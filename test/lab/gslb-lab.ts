import type { ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ENTRY } from '../../src/demo/index.js';
import { startLabProcess } from './lab-processes.js';
import { SiteLab } from './site-lab.js';

/** Three regions and a resolver on one WAN (TEST-NET-1); each region runs a router, an ingress and a GSLB server. */
export const GSLB_REGIONS = ['eu', 'us', 'ap'] as const;
export type GslbRegion = (typeof GSLB_REGIONS)[number];
export const GSLB_WAN: Record<GslbRegion | 'resolver', string> = {
  eu: '192.0.2.31',
  us: '192.0.2.32',
  ap: '192.0.2.33',
  resolver: '192.0.2.40',
};
export const GSLB_ZONE = 'gslb.example.com';
export const INGRESS_PORT = 8080;
const LINK_PORT = 7443;

/** The "ingress" of a region: answers every HTTP request with the region's name, a fresh connection each time. */
const INGRESS = `
const [name, host, port] = process.argv.slice(1);
require('node:http')
  .createServer((req, res) => res.end(name + '\\n'))
  .listen(Number(port), host, () => console.log('listening'));`;

/**
 * The lab of the GSLB tests and bench: a full mesh of three sites (eu, us, ap) in network namespaces,
 * each exporting shop/web (its ingress), and a fourth namespace for the resolver and the clients,
 * whose /etc/resolv.conf (through `ip netns exec`'s /etc/netns) points at the resolver's address.
 */
export class GslbLab {
  readonly gslbFile: string;
  private readonly resolvConfDir: string;

  private constructor(
    readonly sites: SiteLab,
    resolverNamespace: string,
  ) {
    this.gslbFile = join(sites.fx.root, 'gslb.yaml');
    this.resolvConfDir = join('/etc/netns', resolverNamespace);
  }

  static async create(prefix: string): Promise<GslbLab> {
    const sites = await SiteLab.create(prefix);
    try {
      for (const region of GSLB_REGIONS)
        await sites.net.addSite(region, { wanAddress: `${GSLB_WAN[region]}/24` });
      const resolver = await sites.net.addSite('resolver', {
        wanAddress: `${GSLB_WAN.resolver}/24`,
      });
      const lab = new GslbLab(sites, resolver.namespace);
      await mkdir(lab.resolvConfDir, { recursive: true });
      await writeFile(
        join(lab.resolvConfDir, 'resolv.conf'),
        `nameserver ${GSLB_WAN.resolver}\noptions timeout:1 attempts:1\n`,
      );
      return lab;
    } catch (err) {
      await sites.close();
      throw err;
    }
  }

  /** Sites, full mesh of links, each exporting shop/web → its ingress; resolves once all see every export. */
  async startRegions(): Promise<void> {
    const { fx } = this.sites;
    const [first, ...rest] = GSLB_REGIONS;
    const created = await fx.cli([
      'site',
      'init',
      '--id',
      first,
      '--dir',
      fx.dir(first),
      '--listen',
      `${GSLB_WAN[first]}:${LINK_PORT}`,
      '--zone',
      `${first}-1`,
      '--region',
      first,
      '--output',
      'json',
    ]);
    const { trustDomain } = JSON.parse(created.stdout) as { trustDomain: string };
    for (const region of rest) {
      await fx.cli([
        'site',
        'init',
        '--id',
        region,
        '--dir',
        fx.dir(region),
        '--listen',
        `${GSLB_WAN[region]}:${LINK_PORT}`,
        '--zone',
        `${region}-1`,
        '--region',
        region,
        '--ca-dir',
        fx.dir(first),
        '--trust-domain',
        trustDomain,
      ]);
    }
    for (const region of GSLB_REGIONS) {
      await this.sites.startBackend(region, INGRESS, GSLB_WAN[region], INGRESS_PORT);
      await fx.cli([
        'expose',
        'web',
        '--namespace',
        'shop',
        '--port',
        '80',
        '--to',
        `${GSLB_WAN[region]}:${INGRESS_PORT}`,
        '--dir',
        fx.dir(region),
      ]);
      await this.sites.startRouter(region);
    }
    await this.sites.link('us', 'eu');
    await this.sites.link('ap', 'eu');
    await this.sites.link('ap', 'us');
  }

  /** `causeway gslb init` for the zone with one name server per region (its WAN address). */
  async initGslb(): Promise<void> {
    await this.sites.fx.cli([
      'gslb',
      'init',
      '--zone',
      GSLB_ZONE,
      '--file',
      this.gslbFile,
      ...GSLB_REGIONS.flatMap((r) => ['--ns', `ns-${r}.${GSLB_ZONE}=${GSLB_WAN[r]}`]),
      ...GSLB_REGIONS.flatMap((r) => ['--geo', `${GSLB_WAN[r]}/32=${r}`]),
      '--default-region',
      'eu',
    ]);
  }

  /** The record both the failover test and bench use: `name` fails over eu → us → ap. */
  async setFailoverRecord(
    name: string,
    ttlSeconds: number,
    holdDownSeconds: number,
  ): Promise<void> {
    await this.gslb([
      'set',
      name,
      '--service',
      'shop/web',
      '--ttl',
      String(ttlSeconds),
      '--hold-down',
      String(holdDownSeconds),
      ...GSLB_REGIONS.flatMap((r) => ['--target', `${r}=${GSLB_WAN[r]}`]),
    ]);
  }

  /** `causeway gslb <args> --file <the lab's file>`. */
  gslb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.sites.fx.cli(['gslb', ...args, '--file', this.gslbFile]);
  }

  /** `gslb serve` in each region on its WAN address, port 53, fed by that region's own router. */
  async startGslbServers(): Promise<void> {
    for (const region of GSLB_REGIONS) {
      const child = await startLabProcess(this.sites.net, region, [
        process.execPath,
        CLI_ENTRY,
        'gslb',
        'serve',
        '--file',
        this.gslbFile,
        '--listen',
        `${GSLB_WAN[region]}:53`,
        '--router',
        this.sites.fx.dir(region),
      ]);
      this.sites.track(child);
    }
  }

  /** A caching unbound in the resolver namespace, with the zone stubbed to the three GSLB servers. */
  async startResolver(): Promise<void> {
    const dir = join(this.sites.fx.root, 'unbound');
    await mkdir(dir, { recursive: true });
    const conf = join(dir, 'unbound.conf');
    await writeFile(
      conf,
      `server:
  interface: ${GSLB_WAN.resolver}
  port: 53
  access-control: 192.0.2.0/24 allow
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${join(dir, 'unbound.pid')}"
  use-syslog: no
  logfile: ""
  verbosity: 0
  do-not-query-localhost: no
  module-config: "iterator"
  qname-minimisation: no
  prefetch: no
  serve-expired: no
  num-threads: 1
stub-zone:
  name: "${GSLB_ZONE}"
${GSLB_REGIONS.map((r) => `  stub-addr: ${GSLB_WAN[r]}`).join('\n')}
`,
    );
    const child = this.sites.net.spawn('resolver', ['unbound', '-d', '-c', conf], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.sites.track(child);
    await this.waitFor(
      'unbound answering',
      async () =>
        (
          await this.dig(['@' + GSLB_WAN.resolver, `ns-eu.${GSLB_ZONE}`, '+short'])
        ).stdout.trim() === GSLB_WAN.eu,
      15_000,
    );
  }

  /** dig in the resolver namespace (or another), one try of one second. */
  dig(
    args: string[],
    where: GslbRegion | 'resolver' = 'resolver',
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.sites.net.exec(where, ['dig', '+tries=1', '+time=1', ...args]);
  }

  /**
   * A bounded client loop in the resolver namespace: every `intervalMs`, for `seconds`, dig the name
   * through unbound and fetch it with curl (a fresh connection, resolved through unbound too), each
   * with a 2 s timeout. Each line is `<ms since epoch> <answered address or -> <body or FAIL>`.
   */
  clientLoop(name: string, seconds: number, intervalMs: number): ChildProcess {
    const script = `
end=$(( $(date +%s%3N) + ${seconds * 1000} ))
while [ "$(date +%s%3N)" -lt "$end" ]; do
  t=$(date +%s%3N)
  ip=$(dig +tries=1 +time=2 +short ${name} | grep -E '^[0-9a-f.:]+$' | head -n 1)
  body=$(curl -s --max-time 2 http://${name}:${INGRESS_PORT}/ | head -c 16 | tr -dc 'a-z' || true)
  echo "$t \${ip:--} \${body:-FAIL} $(date +%s%3N)"
  sleep ${intervalMs / 1000}
done`;
    return this.spawnClient(['bash', '-c', script]);
  }

  /** Starts `argv` in the resolver namespace, where clients live. */
  spawnClient(argv: readonly string[]): ChildProcess {
    const child = this.sites.net.spawn('resolver', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.sites.track(child);
    return child;
  }

  /** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
  async waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return Date.now();
      await sleep(50);
    }
    throw new Error(`${what}: not within ${timeoutMs} ms`);
  }

  cut(region: GslbRegion): Promise<void> {
    return this.sites.net.cut(region);
  }

  heal(region: GslbRegion): Promise<void> {
    return this.sites.net.heal(region);
  }

  async close(): Promise<void> {
    await this.sites.close();
    await rm(this.resolvConfDir, { recursive: true, force: true });
  }
}
