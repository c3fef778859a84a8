import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric a router exports; one registry per router so tests can run several in one process. */
export class RouterMetrics {
  readonly registry = new Registry();
  readonly linkRejections = new Counter({
    name: 'causeway_link_rejections_total',
    help: 'Connections refused on the link port, by reason (handshake, certificate-missing, certificate-untrusted, certificate-expired, certificate-not-yet-valid, certificate-invalid, identity, alpn, hello, protocol-version).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly linkUp = new Gauge({
    name: 'causeway_link_up',
    help: '1 when at least one connection to the peer site is live.',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  readonly linkSessions = new Gauge({
    name: 'causeway_link_connections',
    help: 'Live TLS connections to the peer site.',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  readonly linkRtt = new Gauge({
    name: 'causeway_link_rtt_seconds',
    help: 'Smoothed round-trip time to the peer site.',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  readonly linkDialFailures = new Counter({
    name: 'causeway_link_dial_failures_total',
    help: 'Failed dials of a configured link (connect, TLS or identity failures).',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  readonly linkDialFailing = new Gauge({
    name: 'causeway_link_dial_consecutive_failures',
    help: 'Failed dials of a configured link since it was last up; 0 while up.',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  readonly linkTransitions = new Counter({
    name: 'causeway_link_transitions_total',
    help: 'Link state changes.',
    labelNames: ['peer', 'state'],
    registers: [this.registry],
  });
  readonly tokenRedemptions = new Counter({
    name: 'causeway_token_redemptions_total',
    help: 'Token redemptions at this site, by result code.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly flows = new Counter({
    name: 'causeway_flows_total',
    help: 'Finished flows by service, side (ingress: from a local client; egress: to a local backend) and result.',
    labelNames: ['service', 'namespace', 'side', 'result'],
    registers: [this.registry],
  });
  readonly flowsDenied = new Counter({
    name: 'causeway_flows_denied_total',
    help: "Flows the exporting site's access policy refused, by service, the flow's source site and why.",
    labelNames: ['service', 'source_site', 'reason'],
    registers: [this.registry],
  });
  readonly flowsActive = new Gauge({
    name: 'causeway_flows_active',
    help: 'Flows in progress.',
    labelNames: ['service', 'namespace', 'side'],
    registers: [this.registry],
  });
  readonly flowBytes = new Counter({
    name: 'causeway_flow_bytes_total',
    help: 'Bytes carried, by direction (client-to-backend, backend-to-client).',
    labelNames: ['service', 'namespace', 'side', 'direction'],
    registers: [this.registry],
  });
  readonly udpDropped = new Counter({
    name: 'causeway_udp_datagrams_dropped_total',
    help: 'UDP datagrams dropped instead of queued, by reason (session-queue, link-queue, backend-queue, sessions, no-endpoint).',
    labelNames: ['service', 'namespace', 'side', 'reason'],
    registers: [this.registry],
  });
  readonly flowRetries = new Counter({
    name: 'causeway_flow_retries_total',
    help: 'New flows reopened at another site because the first refused them before answering, by reason.',
    labelNames: ['service', 'namespace', 'reason'],
    registers: [this.registry],
  });
  readonly ejections = new Counter({
    name: 'causeway_endpoint_ejections_total',
    help: 'Sites ejected from a service by passive outlier detection (consecutive failed new flows).',
    labelNames: ['service', 'namespace', 'site'],
    registers: [this.registry],
  });
  readonly partitionMajority = new Gauge({
    name: 'causeway_partition_majority',
    help: "1 while this site reaches a strict majority of the clusterset's members (itself included).",
    registers: [this.registry],
  });
  readonly partitionReachable = new Gauge({
    name: 'causeway_partition_reachable_sites',
    help: 'Members this site reaches, itself included.',
    registers: [this.registry],
  });
  readonly partitionMembers = new Gauge({
    name: 'causeway_partition_member_sites',
    help: 'Sites remembered as members of the clusterset.',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'causeway_http_requests_total',
    help: 'HTTP requests on import listeners by kind (read or write of a single-writer service, any otherwise) and where they were served (local, remote, refused, failed).',
    labelNames: ['service', 'namespace', 'kind', 'served'],
    registers: [this.registry],
  });
  readonly writesRouted = new Counter({
    name: 'causeway_writes_routed_total',
    help: 'Writes of single-writer services sent to the lease holder, with its fencing token.',
    labelNames: ['service', 'namespace', 'lease', 'holder'],
    registers: [this.registry],
  });
  readonly writesRefused = new Counter({
    name: 'causeway_writes_refused_total',
    help: 'Writes of single-writer services answered 503 by the router, by reason (lease-unknown, lease-unheld, lease-expired, holder-unreachable, holder-not-serving).',
    labelNames: ['service', 'namespace', 'lease', 'reason'],
    registers: [this.registry],
  });
  readonly leaseHeld = new Gauge({
    name: 'causeway_lease_held',
    help: '1 while this site holds the lease (as far as its own holder loop knows).',
    labelNames: ['lease'],
    registers: [this.registry],
  });
  readonly leaseChanges = new Counter({
    name: 'causeway_lease_changes_total',
    help: 'Changes of a watched lease seen by this router (holder, token or expiry).',
    labelNames: ['lease'],
    registers: [this.registry],
  });
  readonly controlErrors = new Counter({
    name: 'causeway_control_errors_total',
    help: 'Control messages refused from peers.',
    labelNames: ['peer', 'code'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'causeway_process_' });
  }
}
