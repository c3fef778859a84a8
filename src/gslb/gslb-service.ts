import { unwatchFile, watchFile } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../observability/index.js';
import type { GslbConfig } from './gslb-config.js';
import { loadGslbConfig } from './gslb-config-file.js';
import { GslbMetrics } from './gslb-metrics.js';
import { GslbServer } from './gslb-server.js';
import { GslbState } from './gslb-state.js';
import type { HealthTransition } from './health-history.js';
import { RouterWatch } from './router-watch.js';
import { CheckExchange } from './check-exchange.js';
import { HealthChecker } from './health-checker.js';

export interface GslbServiceOptions {
  file: string;
  listen: { host: string; port: number };
  /** Router site directories to follow, besides those the file lists. */
  routers: readonly string[];
  metrics?: { host: string; port: number };
  logger: Logger;
}

// stat polling, not fs.watch: the file is replaced by rename, which a watch on the old inode misses.
const FILE_POLL_MS = 250;

/** `causeway gslb serve`: wires the file, the routers' watches, the state and the DNS server together. */
export class GslbService {
  private watches: RouterWatch[] = [];
  private metricsServer: Server | undefined;
  private checker: HealthChecker | undefined;
  private exchange: CheckExchange | undefined;

  private constructor(
    private readonly options: GslbServiceOptions,
    readonly state: GslbState,
    private readonly server: GslbServer,
    private readonly metrics: GslbMetrics,
    readonly address: { host: string; port: number },
  ) {}

  static async start(options: GslbServiceOptions): Promise<GslbService> {
    const config = await loadGslbConfig(options.file);
    const state = new GslbState(config, Date.now());
    const metrics = new GslbMetrics(state);
    const server = new GslbServer(
      state,
      (answer) => metrics.answered(answer),
      (now) => state.tick(now),
    );
    const address = await server.listen(options.listen.host, options.listen.port);
    const service = new GslbService(options, state, server, metrics, address);
    service.follow([...config.routers, ...options.routers]);
    watchFile(options.file, { interval: FILE_POLL_MS }, () => void service.reload());
    if (options.metrics !== undefined)
      await service.serveMetrics(options.metrics.host, options.metrics.port);
    service.check(config);
    options.logger.info(
      {
        zone: config.zone,
        records: config.records.length,
        dns: `${address.host}:${address.port}`,
        routers: service.watches.map((w) => w.dir),
      },
      'GSLB serving',
    );
    return service;
  }

  async stop(): Promise<void> {
    unwatchFile(this.options.file);
    this.checker?.stop();
    await this.exchange?.stop();
    await Promise.all(this.watches.map((w) => w.stop()));
    this.metricsServer?.close();
    await this.server.close();
  }

  private follow(dirs: readonly string[]): void {
    // Relative router directories are relative to the GSLB file, as written in it.
    for (const dir of new Set(dirs.map((d) => resolve(dirname(this.options.file), d)))) {
      const watch = new RouterWatch(
        dir,
        (observation) => this.changed(this.state.observe(dir, observation, Date.now())),
        () => this.changed(this.state.forget(dir, Date.now())),
        this.options.logger,
      );
      this.watches.push(watch);
      watch.start();
    }
  }

  /**
   * This server is a checker named by its metrics address (where peers fetch `/v1/checks`); the
   * other checkers of the file are followed. Without --metrics it checks for itself alone.
   */
  private check(config: GslbConfig): void {
    const self =
      this.options.metrics === undefined
        ? `local:${this.address.host}:${this.address.port}`
        : `${this.options.metrics.host}:${this.options.metrics.port}`;
    this.checker = new HealthChecker(self, config, (report) =>
      this.changed(this.state.observeChecks(self, report, Date.now())),
    );
    this.changed(this.state.observeChecks(self, this.checker.report(), Date.now()));
    this.checker.start();
    this.exchange = new CheckExchange(
      config.checkers.filter((peer) => peer !== self),
      (peer, report) => this.changed(this.state.observeChecks(peer, report, Date.now())),
    );
    this.exchange.start();
  }

  private changed(transitions: HealthTransition[]): void {
    this.metrics.changed(transitions);
    for (const t of transitions)
      this.options.logger.info(
        { service: t.service, site: t.site, healthy: t.healthy },
        'GSLB site health changed',
      );
  }

  /** A broken edit keeps the last good configuration serving and says why. */
  private async reload(): Promise<void> {
    try {
      const config = await loadGslbConfig(this.options.file);
      this.changed(this.state.reconfigure(config, Date.now()));
      this.checker?.reconfigure(config);
      this.options.logger.info({ records: config.records.length }, 'GSLB configuration reloaded');
    } catch (err) {
      this.options.logger.warn(
        { err },
        'GSLB configuration not reloaded; still serving the previous one',
      );
    }
  }

  private async serveMetrics(host: string, port: number): Promise<void> {
    this.metricsServer = createServer((req, res) => {
      if (req.url === '/v1/checks') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const own = this.checker?.report() ?? { checker: '', results: [] };
        res.end(JSON.stringify({ ...own, votes: this.state.allVotes() }));
        return;
      }
      void this.metrics.registry.metrics().then((body) => {
        res.writeHead(req.url === '/metrics' ? 200 : 404, {
          'content-type': this.metrics.registry.contentType,
        });
        res.end(req.url === '/metrics' ? body : '');
      });
    });
    this.metricsServer.listen(port, host);
    await once(this.metricsServer, 'listening');
  }
}
