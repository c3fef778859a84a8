import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../observability/index.js';
import type { Lease } from '../client/kube-objects.js';
import { isConflict, type KubeRest } from '../client/kube-rest.js';
import { Resources, collectionPath, objectPath } from '../client/resources.js';
import { leaseStep, microTime } from './lease-step.js';

export interface LeaseElectorOptions {
  namespace: string;
  name: string;
  /** A holder that has not renewed for this long loses the lease. */
  leaseDurationSeconds: number;
  /** How often the holder renews and candidates retry. */
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  logger: Logger;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, so that of several controller replicas only
 * one writes. Updates go with the read resourceVersion (optimistic concurrency): of two candidates
 * racing for an expired Lease, one gets 409 and stays a follower. A leader that cannot renew
 * before its lease would expire steps down first, so two never believe they lead at once.
 */
export class LeaseElector {
  readonly identity = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastRenewMs = 0;

  constructor(
    private readonly rest: KubeRest,
    private readonly options: LeaseElectorOptions,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops trying; a leader releases the Lease so a replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    const path = objectPath(Resources.leases, this.options.name, this.options.namespace);
    const lease = await this.rest.get<Lease>(path).catch(() => undefined);
    if (lease?.spec?.holderIdentity !== this.identity) return;
    await this.rest
      .replace(path, { ...lease, spec: { ...lease.spec, holderIdentity: null, renewTime: null } })
      .catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.attempt();
    } catch (err) {
      if (!isConflict(err))
        this.options.logger.warn(
          { lease: this.options.name, err },
          'leader election attempt failed',
        );
    }
    // Step down when renewals have failed for most of the lease: another replica may take over after it.
    if (
      this.leading &&
      Date.now() - this.lastRenewMs > this.options.leaseDurationSeconds * 1000 * 0.8
    )
      this.setLeading(false);
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodMs);
  }

  private async attempt(): Promise<void> {
    const { namespace, name, leaseDurationSeconds } = this.options;
    const path = objectPath(Resources.leases, name, namespace);
    const lease = await this.rest.get<Lease>(path);
    const now = Date.now();
    const step = leaseStep(lease, this.identity, now);
    const renewTime = microTime(now);
    switch (step.kind) {
      case 'wait':
        if (this.leading) this.setLeading(false);
        return;
      case 'create':
        await this.rest.create<Lease>(collectionPath(Resources.leases, namespace), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: renewTime,
            renewTime,
            leaseTransitions: 0,
          },
        });
        break;
      case 'renew':
        await this.rest.replace(path, {
          ...lease,
          spec: { ...lease?.spec, renewTime, leaseDurationSeconds },
        } as Lease);
        break;
      case 'take-over':
        await this.rest.replace(path, {
          ...lease,
          spec: {
            ...lease?.spec,
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: renewTime,
            renewTime,
            leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + 1,
          },
        } as Lease);
        break;
      default:
        return;
    }
    this.lastRenewMs = now;
    if (!this.leading) this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.logger.info(
      { lease: `${this.options.namespace}/${this.options.name}`, identity: this.identity },
      leading ? 'became leader' : 'stopped leading',
    );
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }
}
