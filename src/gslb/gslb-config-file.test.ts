import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { parseGslbConfig } from './gslb-config-file.js';
import { FIXTURE_CONFIG } from './gslb-state.fixture.js';
import { RegionTable } from './region-table.js';

const fieldError = (text: string, field: RegExp): void =>
  assert.throws(
    () => parseGslbConfig(text, 'g.yaml'),
    (err: unknown) =>
      err instanceof CausewayError &&
      err.code === ErrorCode.ConfigInvalid &&
      field.test(err.message) &&
      err.hint !== undefined,
  );

describe('parseGslbConfig', () => {
  it('fills defaults: failover, TTL 5 s, fail-open, 30 s hold-down', () => {
    const config = parseGslbConfig(
      stringify({
        zone: 'G.Example.COM.',
        nameServers: [{ name: 'ns1.g.example.com', address: '192.0.2.1' }],
        records: [
          {
            name: 'a.g.example.com',
            service: 'shop/web',
            targets: [{ site: 'eu', address: '192.0.2.9' }],
          },
        ],
      }),
    );
    assert.equal(config.zone, 'g.example.com');
    assert.deepEqual(
      { ...config.records[0], targets: undefined },
      {
        name: 'a.g.example.com',
        service: 'shop/web',
        strategy: 'failover',
        ttl: 5,
        noHealthy: 'fail-open',
        holdDownSeconds: 30,
        maxAnswers: 8,
        targets: undefined,
      },
    );
  });
  it('names the field of a bad value', () => {
    const base = structuredClone(FIXTURE_CONFIG) as Record<string, unknown> & {
      records: Array<Record<string, unknown>>;
    };
    fieldError(
      stringify({ ...base, records: [{ ...base.records[0], strategy: 'random' }] }),
      /field records\[0\]\.strategy/,
    );
    fieldError(
      stringify({ ...base, records: [{ ...base.records[0], service: 'web' }] }),
      /field records\[0\]\.service: must be namespace\/name/,
    );
    fieldError(
      stringify({
        ...base,
        records: [{ ...base.records[0], targets: [{ site: 'eu', address: '300.1.1.1' }] }],
      }),
      /targets\[0\]\.address/,
    );
    fieldError(stringify({ ...base, colour: 1 }), /field colour/);
  });
  it('refuses records outside the zone, twice, or clashing with a name server', () => {
    const base = structuredClone(FIXTURE_CONFIG) as Record<string, unknown> & {
      records: Array<Record<string, unknown>>;
    };
    fieldError(
      stringify({ ...base, records: [{ ...base.records[0], name: 'api.other.com' }] }),
      /outside the zone/,
    );
    fieldError(
      stringify({ ...base, records: [base.records[0], base.records[0]] }),
      /defined twice/,
    );
    fieldError(
      stringify({ ...base, records: [{ ...base.records[0], name: 'ns1.gslb.example.com' }] }),
      /name server/,
    );
  });
  it('throws only CausewayErrors on hostile text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => stringify(JSON.parse(j))),
        ),
        (text) => {
          try {
            parseGslbConfig(text);
          } catch (err) {
            assert.ok(err instanceof CausewayError, String(err));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('RegionTable', () => {
  it('refuses CIDRs with host bits or bad prefixes', () => {
    assert.throws(
      () => new RegionTable({ cidrs: [{ cidr: '10.1.0.1/16', region: 'eu' }] }),
      /host bits/,
    );
    assert.throws(
      () => new RegionTable({ cidrs: [{ cidr: '10.1.0.0/33', region: 'eu' }] }),
      /prefix/,
    );
  });
  it('matches the longest prefix, IPv6 too', () => {
    const table = new RegionTable({
      cidrs: [
        { cidr: '2001:db8::/32', region: 'eu' },
        { cidr: '2001:db8:9::/48', region: 'ap' },
        { cidr: '0.0.0.0/0', region: 'any4' },
      ],
    });
    assert.equal(table.regionOf('2001:db8:9::1').region, 'ap');
    assert.equal(table.regionOf('2001:db8:1::1').region, 'eu');
    assert.equal(table.regionOf('203.0.113.9').region, 'any4');
    assert.equal(table.regionOf('2002::1').region, undefined);
  });
});
