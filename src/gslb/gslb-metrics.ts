import { Counter, Gauge, Registry } from 'prom-client';
import { rcodeName } from '../dns/index.js';
import type { GslbMessageAnswer } from './gslb-message.js';
import type { GslbState } from './gslb-state.js';
import type { HealthTransition } from './health-history.js';

/** What `gslb serve` exports: answers by name, site and reason; health transitions; time of last change. */
export class GslbMetrics {
  readonly registry = new Registry();
  private readonly answers = new Counter({
    name: 'causeway_gslb_answers_total',
    help: 'GSLB answers by record name, answered site, reason and rcode.',
    labelNames: ['name', 'site', 'reason', 'rcode'],
    registers: [this.registry],
  });
  private readonly transitions = new Counter({
    name: 'causeway_gslb_health_transitions_total',
    help: 'Site health changes per backing service.',
    labelNames: ['service', 'site', 'healthy'],
    registers: [this.registry],
  });
  private readonly lastChange = new Gauge({
    name: 'causeway_gslb_last_change_timestamp_seconds',
    help: 'When a site of the service last changed health (Unix time); now minus this is the time since.',
    labelNames: ['service'],
    registers: [this.registry],
  });
  private readonly serving = new Gauge({
    name: 'causeway_gslb_serving',
    help: '1 while answering authoritatively, 0 on the minority side or without a router view.',
    registers: [this.registry],
  });

  constructor(private readonly state: GslbState) {
    this.serving.set(0);
  }

  answered(message: GslbMessageAnswer): void {
    const answer = message.answer;
    const record = answer?.record === undefined ? undefined : this.state.record(answer.record);
    // The reason label is the strategy (or the policy that overrode it), not the free text: bounded cardinality.
    const reason =
      record === undefined
        ? 'zone'
        : answer?.reason.startsWith('no healthy')
          ? `no-healthy-${record.noHealthy}`
          : record.strategy;
    const site =
      answer?.sites?.length === 1
        ? answer.sites[0]!
        : answer?.sites === undefined
          ? 'none'
          : 'several';
    this.answers.inc({
      name: answer?.record ?? 'none',
      site,
      reason,
      rcode: rcodeName(message.rcode),
    });
  }

  changed(transitions: readonly HealthTransition[]): void {
    for (const t of transitions) {
      this.transitions.inc({ service: t.service, site: t.site, healthy: String(t.healthy) });
      this.lastChange.set({ service: t.service }, t.at / 1000);
    }
    this.serving.set(this.state.serving() ? 1 : 0);
  }
}
