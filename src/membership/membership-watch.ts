import type { PartitionReport } from '../api/index.js';
import type { Logger, RouterMetrics } from '../observability/index.js';
import { writeSafeModeFile, type PartitionView } from './partition-view.js';

export interface MembershipWatchDeps {
  view: PartitionView;
  /** Sites known from adverts, and whether a route reaches each. */
  known(): string[];
  isReachable(site: string): boolean;
  /** `partition.safeModeFile` of the config in force. */
  safeModeFile(): string | undefined;
  /** `routing.staleAfterMs` of the config in force. */
  staleAfterMs(): number;
  epoch: number;
  now: () => number;
  metrics: RouterMetrics;
  logger: Logger;
}

/**
 * The membership side of a running site: remembers every site seen, re-evaluates which members
 * are reachable (majority or safe mode), counts and logs each change, keeps the safe-mode file in
 * step, and tells when a restarted site has re-learned the clusterset.
 */
export class MembershipWatch {
  report: PartitionReport | undefined;
  /** Latched once every remembered member has been heard from, or the stale bound has passed. */
  private convergedSince: number | undefined;
  /** Safe-mode file writes, in order (see check). */
  private safeModeWrites: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MembershipWatchDeps) {}

  /** Re-evaluates which members this site reaches; logs, counts and signals every change. */
  check(): void {
    const { view, metrics, logger } = this.deps;
    view
      .observe(this.deps.known())
      .catch((err: unknown) => logger.warn({ err }, 'cannot save clusterset membership'));
    const { report, changed } = view.evaluate((site) => this.deps.isReachable(site));
    this.report = report;
    if (!changed) return;
    metrics.partitionMajority.set(report.majority ? 1 : 0);
    metrics.partitionReachable.set(report.reachable.length);
    metrics.partitionMembers.set(report.members.length);
    const line = {
      reachable: report.reachable,
      unreachable: report.unreachable,
      quorum: report.quorum,
    };
    if (report.majority) logger.info(line, 'partition view: majority side');
    else logger.warn(line, 'partition view: minority side (safe mode)');
    const file = this.deps.safeModeFile();
    if (file === undefined) return;
    // One write at a time, each with the view current when it runs: a minority write still in
    // flight must never land after the removal that followed it and leave a stale safe-mode file.
    this.safeModeWrites = this.safeModeWrites
      .then(() => (this.report === undefined ? undefined : writeSafeModeFile(file, this.report)))
      .catch((err: unknown) => logger.warn({ file, err }, 'cannot write the safe-mode file'));
  }

  /** True once converged (latched); `newly` says it is the first time (watchers should hear of it). */
  get isConverged(): boolean {
    return this.convergedSince !== undefined;
  }

  /**
   * Whether this router has re-learned the clusterset since it started: an advert from every site
   * of members.json, or `routing.staleAfterMs` gone by (then the missing ones count as forgotten,
   * as any unreachable site would be). A restarted router hears from its peers only after its links
   * are up; until then its view lacks their services although nothing was unexported.
   */
  converged(): boolean {
    if (this.convergedSince !== undefined) return true;
    const { epoch, now, logger } = this.deps;
    const heard = new Set(this.deps.known());
    const waited = now() - epoch >= this.deps.staleAfterMs();
    if (!waited && !this.deps.view.peers().every((site) => heard.has(site))) return false;
    this.convergedSince = now();
    logger.info(
      { afterMs: this.convergedSince - epoch, heardFrom: [...heard].sort(), waited },
      'clusterset view converged',
    );
    return true;
  }
}
