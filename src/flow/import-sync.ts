import type { ImportConfig, SiteConfig } from '../config/index.js';
import type { Logger } from '../observability/index.js';
import type { ServiceDirectory } from '../services/index.js';
import { listenerFailure } from '../errors/index.js';
import type { TcpIngress } from './tcp/index.js';
import type { UdpIngress } from './udp/index.js';
import type { VipImports } from './vip-imports.js';

/** An import whose listener did not bind, and why. */
export type ImportFailure = { config: ImportConfig; error: unknown };

export interface ImportSyncDeps {
  config(): SiteConfig;
  configFile: string;
  directory: ServiceDirectory;
  vips: VipImports;
  ingress: TcpIngress;
  udp: UdpIngress;
  /** Namespaces present here (clusterset services are imported only into them). */
  namespaces(): string[];
  /** Runs once the listeners follow the change, so what watchers are told works. */
  synced(): void;
  logger: Logger;
}

/**
 * Keeps the import listeners equal to the configured imports plus, with autoImport, a virtual IP
 * listener per clusterset service imported here. Changes apply one at a time, in order.
 */
export class ImportSync {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ImportSyncDeps) {}

  /** Reconciles now (after any change still applying); resolves with the imports that did not bind. */
  sync(): Promise<ImportFailure[]> {
    const { directory, vips, ingress, udp, logger } = this.deps;
    const run = this.chain.then(async () => {
      const config = this.deps.config();
      const imported = directory.imported(new Set(this.deps.namespaces()));
      const auto = config.services.autoImport
        ? await vips.listeners(imported, (s) => directory.model.readyEndpoints(s.name, s.namespace))
        : [];
      const all = [...config.imports, ...auto];
      const failed = [
        ...(await ingress.reconcile(all.filter((i) => i.protocol !== 'UDP'))),
        ...(await udp.reconcile(all.filter((i) => i.protocol === 'UDP'))),
      ];
      // Watchers hear of a change only once its addresses are listening, so what they publish works.
      this.deps.synced();
      return failed;
    });
    const logged = run.catch((err: unknown): ImportFailure[] => {
      logger.error({ err }, 'import listeners could not be updated');
      return [];
    });
    this.chain = logged.then(() => undefined);
    return logged;
  }

  /** Reconciles and fails when a configured import cannot listen; virtual-IP imports follow the clusterset and only log. */
  async syncConfigured(): Promise<void> {
    const failed = await this.sync();
    const imports = this.deps.config().imports;
    const first = failed.find((f) => imports.includes(f.config));
    if (first === undefined) return;
    // Said so that it is true both at start-up (the entry is in site.yaml) and for `causeway import` (its edit was put back).
    const { name, namespace, port, protocol } = first.config;
    const again = `causeway import ${name} --namespace ${namespace}${port === undefined ? '' : ` --port ${port}`}${protocol === 'UDP' ? ' --protocol udp' : ''} --listen <address>`;
    throw listenerFailure(
      `imports[${imports.indexOf(first.config)}].listen`,
      first.config.listen,
      first.error,
      `(\`${again}\`, or in ${this.deps.configFile})`,
    );
  }
}
