import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualRuntime } from '../runtime/index.js';
import { impairmentOf, RETRANSMIT_MS } from './drill-effects.js';
import type { DrillStart } from './drill-message.js';

const drill = (d: Partial<DrillStart>): DrillStart => ({
  ...{ type: 'drill', id: 'c'.repeat(32), kind: 'partition', sites: ['eu'] },
  ...{ issuedAt: 0, endsAt: 1, issuer: 'us', signature: 'x' },
  ...d,
});

describe('drill effects', () => {
  it('a partition cuts exactly the links that cross it, on both sides', () => {
    const d = [drill({ sites: ['eu', 'ap'] })];
    const at = (self: string) => impairmentOf(self, d, Math.random);
    assert.equal(at('eu').cuts('us'), true);
    assert.equal(at('us').cuts('eu'), true);
    assert.equal(at('eu').cuts('ap'), false);
    assert.equal(at('us').cuts('gc'), false);
  });

  it('a lost site is cut from everyone; a latency drill slows only its pair', () => {
    const lost = impairmentOf('us', [drill({ kind: 'site-loss', sites: ['ap'] })], Math.random);
    assert.equal(lost.cuts('ap'), true);
    assert.equal(lost.cuts('eu'), false);
    const slow = [drill({ kind: 'latency', sites: ['us', 'eu'], addMs: 150, jitterMs: 20 })];
    assert.equal(impairmentOf('us', slow, Math.random).inboundDelay('ap'), undefined);
    assert.equal(impairmentOf('ap', slow, Math.random).inboundDelay('us'), undefined);
    const draw = impairmentOf('eu', slow, Math.random).inboundDelay('us');
    assert.ok(draw !== undefined);
    for (let i = 0; i < 1_000; i++) {
      const ms = draw();
      assert.ok(ms >= 65 && ms <= 85, `one way is half of 150 ± half of 20, got ${ms}`);
    }
  });

  it('a loss drill costs a retransmission to about its share of chunks', () => {
    const runtime = new ManualRuntime(0, 42);
    const d = [drill({ kind: 'loss', sites: ['us', 'eu'], percent: 10 })];
    const draw = impairmentOf('us', d, () => runtime.random()).inboundDelay('eu');
    assert.ok(draw !== undefined);
    let lost = 0;
    for (let i = 0; i < 10_000; i++) if (draw() === RETRANSMIT_MS) lost++;
    assert.ok(lost > 850 && lost < 1_150, `${lost} of 10000 chunks lost at 10 %`);
  });
});
