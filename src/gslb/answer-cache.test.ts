import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { AnswerCache } from './answer-cache.js';
import { answerGslbMessage } from './gslb-message.js';
import { snapshotWith, stateWith } from './gslb-state.fixture.js';

const query = (id: number): Buffer =>
  dnsPacket.encode({ type: 'query', id, questions: [{ name: 'api.gslb.example.com', type: 'A' }] });
const address = (bytes: Buffer): string =>
  String((dnsPacket.decode(bytes).answers?.[0] as { data?: unknown } | undefined)?.data);

describe('AnswerCache', () => {
  it('answers a repeated question with the new id', () => {
    const state = stateWith(['eu', 'us']);
    const cache = new AnswerCache(state);
    assert.equal(cache.get(query(1), 'udp', '10.0.0.1', 0), undefined);
    cache.put(query(1), 'udp', '10.0.0.1', answerGslbMessage(query(1), 'udp', '10.0.0.1', state)!);
    const hit = cache.get(query(2), 'udp', '10.0.0.1', 0);
    assert.equal(dnsPacket.decode(hit!.bytes).id, 2);
    assert.equal(
      cache.get(query(2), 'udp', '10.0.0.2', 0),
      undefined,
      'another resolver is another entry',
    );
  });
  it('forgets everything when health changes, and when a hold-down ends', () => {
    const t0 = 1_000_000;
    const state = stateWith(['eu', 'us'], t0);
    const cache = new AnswerCache(state);
    const ask = (now: number): string => {
      state.tick(now);
      const hit = cache.get(query(1), 'udp', '10.0.0.1', now);
      if (hit !== undefined) return address(hit.bytes);
      const fresh = answerGslbMessage(query(1), 'udp', '10.0.0.1', state)!;
      cache.put(query(1), 'udp', '10.0.0.1', fresh);
      return address(fresh.bytes);
    };
    assert.equal(ask(t0), '192.0.2.1');
    state.observe('router-eu', { snapshot: snapshotWith(['us']) }, t0 + 1_000);
    assert.equal(ask(t0 + 1_000), '192.0.2.2');
    state.observe('router-eu', { snapshot: snapshotWith(['eu', 'us']) }, t0 + 2_000);
    assert.equal(ask(t0 + 2_000), '192.0.2.2', 'eu in hold-down');
    assert.equal(ask(t0 + 31_999), '192.0.2.2');
    assert.equal(
      ask(t0 + 32_000),
      '192.0.2.1',
      'the hold-down ended: the cached answer is not served',
    );
  });
});
