import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli-runner.js';

interface DemoReport {
  answers: Record<string, number>;
  failed: number;
  links: Array<{ site: string; peer: string; state: string }>;
  clustersetIp: string | null;
  dns: string | null;
  scenario: Array<{ phase: string; answers: Record<string, number>; failed: number }>;
}

describe('causeway demo --once', () => {
  it('builds three linked sites, spreads traffic over both exporters and runs the rebel-base exercise', async () => {
    const result = await runCli(['demo', '--once', '--output', 'json'], { timeoutMs: 90_000 });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as DemoReport;
    assert.equal(report.failed, 0);
    // 30 requests round the two exporters: each gets a fair share (binomial bounds, not exact halves).
    assert.ok(
      (report.answers['us-east'] ?? 0) >= 8 && (report.answers['eu-west'] ?? 0) >= 8,
      JSON.stringify(report.answers),
    );
    assert.equal(report.links.length, 6);
    assert.ok(report.links.every((l) => l.state === 'up'));
    assert.notEqual(report.clustersetIp, null);
    const phase = (name: string) => report.scenario.find((p) => p.phase === name);
    const none = phase('affinity none');
    assert.ok(
      (none?.answers['us-east'] ?? 0) >= 3 && (none?.answers['eu-west'] ?? 0) >= 3,
      JSON.stringify(none),
    );
    assert.ok(
      (phase('affinity local')?.answers['us-east'] ?? 0) >= 18,
      JSON.stringify(phase('affinity local')),
    );
    assert.deepEqual(phase('local replicas killed'), {
      phase: 'local replicas killed',
      answers: { 'eu-west': 20 },
      failed: 0,
    });
    assert.ok(
      (phase('local replicas back')?.answers['us-east'] ?? 0) >= 18,
      JSON.stringify(phase('local replicas back')),
    );
    assert.ok(report.scenario.every((p) => p.failed === 0));
  });
});
