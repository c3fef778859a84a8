import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publishEvent } from '../observability/index.js';
import { ManualRuntime } from '../runtime/index.js';
import type { DrillStart } from './drill-message.js';
import { AFTERMATH_MS, DrillRecorder } from './drill-recorder.js';

const drill = (id: string): DrillStart => ({
  ...{ type: 'drill', id: id.repeat(32), kind: 'partition', sites: ['eu'] },
  ...{ issuedAt: 0, endsAt: 10_000, issuer: 'us', signature: 'x' },
});

function recorder(runtime: ManualRuntime, view: { majority: boolean }): DrillRecorder {
  const values = [
    {
      labels: { service: 'ledger', namespace: 'pay', lease: 'w', reason: 'holder-unreachable' },
      value: 0,
    },
  ];
  return new DrillRecorder({
    self: 'eu-rec',
    majority: () => view.majority,
    writesRefused: { get: () => Promise.resolve({ values: values.map((v) => ({ ...v })) }) },
    runtime,
  });
}

const down = (site: string, peer: string) =>
  publishEvent('linkDown', () => ({
    site,
    peer: { site: peer, zone: '', region: '' },
    error: undefined,
  }));

describe('DrillRecorder', () => {
  it('records detection, safe mode and recovery of its own site, then stops after the aftermath', async () => {
    const runtime = new ManualRuntime(0);
    const view = { majority: true };
    const r = recorder(runtime, view);
    r.started(drill('a'));
    runtime.advance(900);
    down('eu-rec', 'us');
    down('other-site', 'us');
    view.majority = false;
    runtime.advance(100);
    runtime.advance(9_000);
    r.ended(drill('a'), 'deadline');
    view.majority = true;
    publishEvent('linkUp', () => ({ site: 'eu-rec', peer: { site: 'us', zone: '', region: '' } }));
    runtime.advance(AFTERMATH_MS + 100);
    down('eu-rec', 'ap');
    const report = await r.report();
    assert.ok(report !== undefined);
    assert.deepEqual(report.linksLost, [{ peer: 'us', afterMs: 900 }]);
    assert.deepEqual(report.safeMode, [
      { majority: false, afterMs: 1_000 },
      { majority: true, afterMs: 10_100 },
    ]);
    assert.deepEqual(report.linksBack, [{ peer: 'us', afterEndMs: 0 }]);
    assert.equal(report.recording, false);
    assert.equal(report.drill.ended, 'deadline');
  });

  it('what follows a new drill is not put in the aftermath of the one before', async () => {
    const runtime = new ManualRuntime(0);
    const r = recorder(runtime, { majority: true });
    r.started(drill('a'));
    r.ended(drill('a'), 'stopped');
    r.started(drill('b'));
    runtime.advance(900);
    down('eu-rec', 'us');
    assert.deepEqual((await r.report('a'.repeat(32)))?.linksLost, []);
    assert.deepEqual((await r.report('b'.repeat(32)))?.linksLost, [{ peer: 'us', afterMs: 900 }]);
    r.close();
  });
});
