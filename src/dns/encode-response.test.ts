import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import { encodeForTcp, encodeForUdp, udpPayloadLimit } from './encode-response.js';

const OWNER = 'big.shop.svc.clusterset.local';
const aRecords = (n: number): Answer[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'A',
    name: OWNER,
    ttl: 5,
    data: `10.0.${i >> 8}.${i & 255}`,
  }));
const opt: Answer = {
  type: 'OPT',
  name: '.',
  udpPayloadSize: 1232,
  extendedRcode: 0,
  ednsVersion: 0,
  flags: 0,
  flag_do: false,
  options: [],
};
const response = (answers: Answer[], additionals: Answer[] = []): Packet => ({
  type: 'response',
  id: 1,
  flags: dnsPacket.AUTHORITATIVE_ANSWER,
  questions: [{ name: OWNER, type: 'A' }],
  answers,
  additionals,
});

describe('udpPayloadLimit', () => {
  it('is 512 without EDNS and the advertised size within [512, 1232] with it', () => {
    assert.equal(udpPayloadLimit({ additionals: [] }), 512);
    const withSize = (udpPayloadSize: number): Packet => ({
      additionals: [{ ...opt, udpPayloadSize }],
    });
    assert.equal(udpPayloadLimit(withSize(4096)), 1232);
    assert.equal(udpPayloadLimit(withSize(800)), 800);
    assert.equal(udpPayloadLimit(withSize(100)), 512);
  });
});

describe('encodeForUdp', () => {
  it('sends small responses as they are', () => {
    const out = encodeForUdp(response(aRecords(3)), 512);
    assert.equal(out.truncated, false);
    assert.equal(dnsPacket.decode(out.bytes).answers?.length, 3);
  });
  it('sets TC and drops every record but OPT when the answers do not fit', () => {
    const out = encodeForUdp(response(aRecords(100), [opt]), 1232);
    const decoded = dnsPacket.decode(out.bytes);
    assert.equal(out.truncated, true);
    assert.ok(decoded.flag_tc && decoded.flag_aa);
    assert.deepEqual(decoded.answers, []);
    assert.deepEqual(
      decoded.additionals?.map((a) => a.type),
      ['OPT'],
    );
    assert.equal(decoded.questions?.[0]?.name, OWNER);
  });
  it('drops only the additional section when that is enough, without TC (RFC 2181 §9)', () => {
    const out = encodeForUdp(response(aRecords(5), [...aRecords(20), opt]), 512);
    const decoded = dnsPacket.decode(out.bytes);
    assert.equal(out.truncated, false);
    assert.equal(decoded.flag_tc, false);
    assert.equal(decoded.answers?.length, 5);
    assert.deepEqual(
      decoded.additionals?.map((a) => a.type),
      ['OPT'],
    );
  });
});

describe('encodeForTcp', () => {
  it('sends 100 records whole', () => {
    const out = encodeForTcp(response(aRecords(100)));
    assert.equal(out.truncated, false);
    assert.equal(dnsPacket.decode(out.bytes).answers?.length, 100);
  });
  it('keeps as many answers as fit in 64 KiB', () => {
    const out = encodeForTcp(response(aRecords(3000), aRecords(10)));
    assert.equal(out.truncated, true);
    assert.ok(out.bytes.length <= 0xffff);
    const kept = dnsPacket.decode(out.bytes).answers?.length ?? 0;
    assert.ok(kept > 1000 && kept < 3000, `kept ${kept}`);
  });
});
