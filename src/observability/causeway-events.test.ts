import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResetCode } from '../transport/index.js';
import {
  causewayChannels,
  publishEvent,
  subscribeEvent,
  type FlowCloseEvent,
  type FlowOpenEvent,
} from './causeway-events.js';
import { FlowRecorder } from './flow-recorder.js';
import { FlowStats } from './flow-stats.js';
import { subscribeRouterMetrics } from './metrics-subscriber.js';
import { RouterMetrics } from './router-metrics.js';

const places: Record<string, { site: string; zone: string; region: string }> = {
  a: { site: 'a', zone: 'a-1', region: 'eu' },
  c: { site: 'c', zone: 'c-1', region: 'us' },
};

describe('causeway events', () => {
  it('builds no event while nobody subscribes', () => {
    assert.equal(causewayChannels.linkUp.hasSubscribers, false);
    let built = 0;
    publishEvent('linkUp', () => {
      built += 1;
      return { site: 'a', peer: places['c'] ?? { site: 'c', zone: '', region: '' } };
    });
    assert.equal(built, 0);
  });

  it('tells a flow open and its close with sites, zones, regions, next hop, bytes each way and duration', () => {
    let clock = 1_000;
    const recorder = new FlowRecorder(
      'ingress',
      'a',
      (site) => places[site],
      () => clock,
    );
    const opens: FlowOpenEvent[] = [];
    const closes: FlowCloseEvent[] = [];
    const stops = [
      subscribeEvent('flowOpen', (e) => opens.push(e)),
      subscribeEvent('flowClose', (e) => closes.push(e)),
    ];
    try {
      const ticket = recorder.started('db', 'shop', {
        source: 'a',
        destination: 'c',
        nextHop: 'b',
      });
      clock += 250;
      recorder.finished(ticket, {
        kind: 'reset',
        by: 'remote',
        code: ResetCode.BackendUnreachable,
        bytesIn: 10,
        bytesOut: 3,
      });
    } finally {
      for (const stop of stops) stop();
    }
    assert.equal(opens.length, 1);
    assert.deepEqual(opens[0], {
      id: opens[0]?.id,
      site: 'a',
      side: 'ingress',
      service: 'db',
      namespace: 'shop',
      protocol: 'tcp',
      source: places['a'],
      destination: places['c'],
      nextHop: 'b',
      previousHop: null,
      startedAt: 1_000,
    });
    const [close] = closes;
    assert.equal(close?.id, opens[0]?.id);
    assert.equal(close?.opened, true);
    assert.equal(close?.outcome, 'BackendUnreachable');
    // On ingress the socket is the client: what it sent went to the backend.
    assert.deepEqual(
      [close?.bytesToBackend, close?.bytesToClient, close?.durationMs],
      [10, 3, 250],
    );
  });

  it('feeds the metrics of its own site under their names and labels, and ignores other sites', async () => {
    const metrics = new RouterMetrics();
    const stats = new FlowStats();
    const stop = subscribeRouterMetrics('a', metrics, stats);
    try {
      const ours = new FlowRecorder('egress', 'a', () => undefined);
      const theirs = new FlowRecorder('egress', 'z', () => undefined);
      for (const recorder of [ours, theirs]) {
        const ticket = recorder.started('db', 'shop');
        recorder.finished(ticket, { kind: 'closed', bytesIn: 7, bytesOut: 5 });
        recorder.refused('db', 'shop', 'no-endpoint');
      }
      publishEvent('linkUp', () => ({ site: 'a', peer: { site: 'c', zone: '', region: '' } }));
      publishEvent('leaseChange', () => ({
        site: 'a',
        lease: 'orders',
        kind: 'acquired',
        holder: 'a',
        fencingToken: 3,
        expiresAt: 0,
      }));
    } finally {
      stop();
    }
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      /causeway_flows_total\{service="db",namespace="shop",side="egress",result="closed"\} 1\n/,
    );
    assert.match(
      text,
      /causeway_flows_total\{service="db",namespace="shop",side="egress",result="no-endpoint"\} 1\n/,
    );
    assert.match(
      text,
      /causeway_flow_bytes_total\{service="db",namespace="shop",side="egress",direction="client-to-backend"\} 5\n/,
    );
    assert.match(
      text,
      /causeway_flow_bytes_total\{service="db",namespace="shop",side="egress",direction="backend-to-client"\} 7\n/,
    );
    assert.match(text, /causeway_flows_active\{service="db",namespace="shop",side="egress"\} 0\n/);
    assert.match(text, /causeway_link_up\{peer="c"\} 1\n/);
    assert.match(text, /causeway_link_transitions_total\{peer="c",state="up"\} 1\n/);
    assert.match(text, /causeway_lease_held\{lease="orders"\} 1\n/);
    assert.deepEqual(stats.get('egress', 'db.shop'), {
      active: 0,
      total: 2,
      failed: 1,
      bytesIn: 7,
      bytesOut: 5,
    });
  });
});
