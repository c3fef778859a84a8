import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { CausewayError, hasCode } from '../errors/index.js';
import { decodeToken, encodeToken, type LinkToken } from './index.js';

const sample: LinkToken = {
  version: 1,
  trustDomain: 'prod.example',
  caFingerprint: 'ab'.repeat(32),
  id: '0123456789abcdef0123456789abcdef',
  secret: Buffer.alloc(32, 7).toString('base64url'),
  issuerSite: 'eu-west',
  endpoints: [
    { host: 'router.eu.example.com', port: 8443 },
    { host: '10.0.0.1', port: 443 },
    { host: '2001:db8::1', port: 55671 },
  ],
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const endpointArb = fc.record(
  {
    host: fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6()),
    port: fc.integer({ min: 1, max: 65535 }),
  },
  { noNullPrototype: true },
);
const tokenArb: fc.Arbitrary<LinkToken> = fc.record(
  {
    version: fc.constant(1 as const),
    trustDomain: fc.domain(),
    caFingerprint: hex(64),
    id: hex(32),
    secret: fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => Buffer.from(b).toString('base64url')),
    issuerSite: fc.domain(),
    endpoints: fc.array(endpointArb, { minLength: 1, maxLength: 8 }),
    expiresAt: fc.integer({ min: 0, max: 253_402_300_799 }).map((s) => new Date(s * 1000)),
  },
  { noNullPrototype: true },
);

/** The property every hostile input must satisfy: a token that re-encodes, or CW_TOKEN_MALFORMED. */
function decodesSafely(text: string): boolean {
  try {
    const token = decodeToken(text);
    assert.deepEqual(decodeToken(encodeToken(token)), token);
    return true;
  } catch (err) {
    if (err instanceof CausewayError && err.code === 'CW_TOKEN_MALFORMED') return true;
    throw err;
  }
}

function payloadText(payload: unknown): string {
  return `cwt1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

const samplePayload = JSON.parse(
  Buffer.from(encodeToken(sample).slice(5), 'base64url').toString(),
) as Record<string, unknown>;

describe('encodeToken / decodeToken', () => {
  it('round-trips a token, tolerating surrounding whitespace', () => {
    const text = encodeToken(sample);
    assert.match(text, /^cwt1\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeToken(`  ${text}\n`), sample);
    assert.equal(encodeToken(decodeToken(text)), text);
  });

  it('round-trips any valid token exactly', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        const text = encodeToken(token);
        assert.deepEqual(decodeToken(text), token);
        assert.equal(encodeToken(decodeToken(text)), text);
      }),
    );
  });

  it('says what is wrong without echoing the secret', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['hello', /does not start with cwt1\./],
      ['cwt2.abc', /unsupported token format version/],
      ['cwt1.***', /not base64url/],
      [`cwt1.${Buffer.from('{"v":1').toString('base64url')}`, /not UTF-8 JSON/],
      [payloadText([1]), /JSON object/],
      [payloadText({ ...samplePayload, s: 'short' }), /secret \(s\)/],
      [payloadText({ ...samplePayload, ep: ['host'] }), /endpoints #1 \(ep\) expected host:port/],
      [payloadText({ ...samplePayload, ep: ['[::1]:0'] }), /port must be/],
      [payloadText({ ...samplePayload, exp: 1.5 }), /expiry/],
      [payloadText({ ...samplePayload, extra: true }), /unexpected fields/],
      [`cwt1.${'A'.repeat(5000)}`, /longer than 4096/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => decodeToken(text),
        (err) =>
          hasCode(err, 'CW_TOKEN_MALFORMED') &&
          message.test((err as Error).message) &&
          !(err as Error).message.includes(sample.secret),
        text.slice(0, 60),
      );
    }
  });

  it('refuses to encode what it could not decode', () => {
    const bad: LinkToken[] = [
      { ...sample, endpoints: [] },
      { ...sample, endpoints: [{ host: '[::1]', port: 1 }] },
      { ...sample, endpoints: [{ host: 'a', port: 70000 }] },
      { ...sample, issuerSite: 'Not_A_Site' },
      { ...sample, expiresAt: new Date(Number.NaN) },
    ];
    for (const token of bad)
      assert.throws(
        () => encodeToken(token),
        (e) => hasCode(e, 'CW_INPUT_INVALID'),
      );
  });

  it('survives arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `cwt1.${s}`),
        ),
        decodesSafely,
      ),
      { numRuns: 500 },
    );
  });

  it('survives base64url of arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => decodesSafely(payloadText(json))),
      { numRuns: 500 },
    );
  });

  it('survives valid payloads with a field replaced, added or removed', () => {
    const keys = Object.keys(samplePayload);
    const mutation = fc.record({
      key: fc.oneof(fc.constantFrom(...keys), fc.string()),
      value: fc.option(fc.jsonValue()),
    });
    fc.assert(
      fc.property(mutation, ({ key, value }) => {
        const payload: Record<string, unknown> = { ...samplePayload };
        if (value === null) delete payload[key];
        else payload[key] = value;
        return decodesSafely(payloadText(payload));
      }),
      { numRuns: 1000 },
    );
  });

  it('survives valid tokens with characters flipped, cut or inserted', () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'truncate', 'insert'),
      ch: fc.string({ minLength: 1, maxLength: 1 }),
    });
    fc.assert(
      fc.property(tokenArb, fc.array(edit, { minLength: 1, maxLength: 4 }), (token, edits) => {
        let text = encodeToken(token);
        for (const { at, kind, ch } of edits) {
          const i = at % (text.length + 1);
          if (kind === 'truncate') text = text.slice(0, i);
          else text = text.slice(0, i) + ch + text.slice(kind === 'flip' ? i + 1 : i);
        }
        return decodesSafely(text);
      }),
      { numRuns: 1000 },
    );
  });
});
