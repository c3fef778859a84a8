import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { metricValue, waitForMetrics } from '../support/router-observations.js';
import { roundTrip, startEchoServer } from '../support/tcp-probes.js';

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: { severity?: unknown };
  annotations?: { summary?: unknown };
}
interface Panel {
  title?: unknown;
  targets?: Array<{ expr?: unknown }>;
}

const ALERTS = new URL('../../../deploy/monitoring/causeway-alerts.yaml', import.meta.url);
const DASHBOARD = new URL('../../../deploy/monitoring/causeway-dashboard.json', import.meta.url);

/** Metric names a PromQL expression reads (label names and functions are not `causeway_…`). */
const metricNames = (expr: string): string[] => expr.match(/\bcauseway_[a-z_]+\b/g) ?? [];

function balanced(expr: string): boolean {
  let depth = 0;
  for (const c of expr) {
    depth += c === '(' || c === '[' || c === '{' ? 1 : c === ')' || c === ']' || c === '}' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('Grafana dashboard and Prometheus alert rules', () => {
  let fx: ClustersetFixture;
  let echo: { server: Server; port: number };
  let exported: Set<string>;
  let rules: Rule[];
  let panels: Panel[];

  before(async () => {
    const doc = parse(await readFile(ALERTS, 'utf8')) as {
      groups?: Array<{ name?: unknown; rules?: Rule[] }>;
    };
    rules = (doc.groups ?? []).flatMap((g) => g.rules ?? []);
    panels = (JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels?: Panel[] }).panels ?? [];
    // A live router with a link, a held lease and one flow across regions, so every series exists.
    fx = await ClustersetFixture.create();
    echo = await startEchoServer();
    await fx.initClusterset(['eu-west', 'us-east']);
    await fx.expose('eu-west', 'echo.shop', 7000, `127.0.0.1:${echo.port}`);
    await fx.importService('us-east', 'echo.shop');
    await fx.startRouter('eu-west');
    const router = await fx.startRouter('us-east', ['--hold-lease', 'orders-writer']);
    await fx.link('us-east', 'eu-west');
    await roundTrip(await fx.importAddress('us-east', 'echo.shop'), Buffer.alloc(1000, 1));
    const text = await waitForMetrics(
      router,
      (t) =>
        metricValue(t, 'causeway_transfer_bytes_total') > 0 &&
        metricValue(t, 'causeway_lease_held', { lease: 'orders-writer' }) === 1,
      10_000,
    );
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
  });

  after(async () => {
    await fx.close();
    echo.server.close();
  });

  it('has the five alerts, each with an expression, a duration, a severity and a summary', () => {
    assert.deepEqual(
      rules.map((r) => r.alert),
      [
        'CausewayLinkDown',
        'CausewaySiteInSafeMode',
        'CausewayLeaseWithoutHolder',
        'CausewayCertificateExpiresSoon',
        'CausewayTransferCostHigh',
      ],
    );
    for (const r of rules) {
      assert.ok(typeof r.expr === 'string' && balanced(r.expr), `${String(r.alert)}: expr`);
      assert.match(String(r.for), /^\d+[smh]$/, `${String(r.alert)}: for`);
      assert.ok(
        ['critical', 'warning'].includes(String(r.labels?.severity)),
        `${String(r.alert)}: severity`,
      );
      assert.ok(typeof r.annotations?.summary === 'string', `${String(r.alert)}: summary`);
    }
  });

  it("names only metrics a live router's /metrics has", () => {
    const named = [
      ...rules.flatMap((r) => metricNames(String(r.expr))),
      ...panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(String(t.expr)))),
    ];
    assert.ok(named.length >= 10);
    const missing = [...new Set(named)].filter((n) => !exported.has(n));
    assert.deepEqual(missing, [], `not exported: ${missing.join(', ')}`);
  });

  it('gives every dashboard panel a title and a balanced query', () => {
    assert.ok(panels.length >= 10);
    for (const p of panels) {
      assert.ok(typeof p.title === 'string' && p.title.length > 0);
      for (const t of p.targets ?? [])
        assert.ok(typeof t.expr === 'string' && balanced(t.expr), String(p.title));
    }
  });
});
