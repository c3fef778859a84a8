import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../errors/index.js';
import { ClustersetModel } from './clusterset-model.js';
import { helloExport } from './site-export.fixture.js';
import type { SiteExport } from './site-export.js';

const namespaces = new Set(['mcs-conformance']);

describe('ClustersetModel', () => {
  it('keeps a service while at least one site exports it, and drops it after the last unexport', () => {
    const model = new ClustersetModel();
    model.setSiteExports('c0', [helloExport('c0', 1_000)]);
    model.setSiteExports('c1', [helloExport('c1', 2_100)]);
    assert.deepEqual(model.service('hello', 'mcs-conformance')?.sites, ['c0', 'c1']);
    model.setSiteExports('c0', []);
    assert.deepEqual(model.service('hello', 'mcs-conformance')?.sites, ['c1']);
    assert.equal(
      model.importedAt('c0', namespaces).length,
      1,
      'c0 still imports what only c1 exports',
    );
    model.removeSite('c1');
    assert.equal(model.service('hello', 'mcs-conformance'), undefined);
    assert.deepEqual(model.services(), []);
  });

  it('lists services sorted by namespace, then name', () => {
    const model = new ClustersetModel();
    const exp = (name: string, namespace: string): SiteExport =>
      helloExport('a', 1, { name, namespace });
    model.setSiteExports('a', [exp('b', 'ns'), exp('a', 'ns-x'), exp('a', 'ns')]);
    assert.deepEqual(
      model.services().map((s) => `${s.namespace}/${s.name}`),
      ['ns/a', 'ns/b', 'ns-x/a'],
    );
  });

  it('imports a service only where its namespace exists, including a namespace created later, and always at exporters', () => {
    const model = new ClustersetModel();
    model.setSiteExports('c0', [helloExport('c0', 1_000)]);
    assert.deepEqual(model.importedAt('c1', new Set(['default'])), [], 'no namespace, no import');
    assert.equal(
      model.importedAt('c1', new Set(['default', 'mcs-conformance']))[0]?.name,
      'hello',
      'namespace created later',
    );
    assert.equal(
      model.importedAt('c0', new Set()).length,
      1,
      'an exporter imports its own service',
    );
  });

  it('sends traffic for a port only to ready endpoints of sites exposing it (strict port conflict)', () => {
    const model = new ClustersetModel();
    model.setSiteExports('c0', [
      helloExport('c0', 1_000, {
        ports: [{ name: 'tcp', port: 42, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.0.0.1'], ready: true },
          { addresses: ['10.0.0.2'], ready: false },
        ],
      }),
    ]);
    model.setSiteExports('c1', [
      helloExport('c1', 2_100, {
        ports: [{ name: 'tcp', port: 4242, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.1.0.1'], ready: true }],
      }),
    ]);
    const addresses = (port: number, protocol?: 'UDP'): string[] =>
      model
        .endpointsFor('hello', 'mcs-conformance', port, protocol)
        .map((e) => `${e.site}:${e.endpoint.addresses[0] ?? ''}`);
    assert.deepEqual(addresses(42), ['c0:10.0.0.1']);
    assert.deepEqual(addresses(4242), [], 'port 4242 lost to the older definition of "tcp"');
    assert.deepEqual(addresses(42, 'UDP'), []);
    assert.deepEqual(
      model.readyEndpoints('hello', 'mcs-conformance').map((e) => e.site),
      ['c0', 'c1'],
    );
  });

  it('different port names route each port to the site exposing it', () => {
    const model = new ClustersetModel();
    model.setSiteExports('c0', [
      helloExport('c0', 1_000, { ports: [{ name: 'a', port: 42, protocol: 'TCP' }] }),
    ]);
    model.setSiteExports('c1', [
      helloExport('c1', 2_100, { ports: [{ name: 'b', port: 4242, protocol: 'TCP' }] }),
    ]);
    assert.deepEqual(
      model.endpointsFor('hello', 'mcs-conformance', 42).map((e) => e.site),
      ['c0'],
    );
    assert.deepEqual(
      model.endpointsFor('hello', 'mcs-conformance', 4242).map((e) => e.site),
      ['c1'],
    );
  });

  it('bumps version only on effective changes and is not fooled by callers mutating what they handed over', () => {
    const model = new ClustersetModel();
    const exp = helloExport('c0', 1_000);
    model.setSiteExports('c0', [exp]);
    const after = model.version;
    model.setSiteExports('c0', [helloExport('c0', 1_000)]);
    assert.equal(model.version, after, 'same exports again');
    model.removeSite('nobody');
    assert.equal(model.version, after, 'removing an unknown site');
    exp.ports = [];
    assert.equal(model.service('hello', 'mcs-conformance')?.ports.length, 2);
    model.setSiteExports('c0', [exp]);
    assert.equal(model.version, after + 1);
    assert.deepEqual(model.service('hello', 'mcs-conformance')?.ports, []);
  });

  it('rejects an export claiming another site and a service exported twice by one site', () => {
    const model = new ClustersetModel();
    assert.throws(
      () => model.setSiteExports('c0', [helloExport('c1', 1)]),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
    assert.throws(
      () => model.setSiteExports('c0', [helloExport('c0', 1), helloExport('c0', 2)]),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });

  it('scales to 1,000 sites × 100 services and re-merges only the service that changed', () => {
    const model = new ClustersetModel();
    const exportsOf = (site: string, at: number): SiteExport[] =>
      Array.from({ length: 100 }, (_, i) =>
        helloExport(site, at, {
          name: `svc-${i}`,
          endpoints: [{ addresses: ['10.0.0.1'], ready: true }],
        }),
      );
    const buildStart = performance.now();
    for (let s = 0; s < 1_000; s++) model.setSiteExports(`site-${s}`, exportsOf(`site-${s}`, s));
    const before = model.services();
    const buildMs = performance.now() - buildStart;

    const changeStart = performance.now();
    const changed = exportsOf('site-500', 500);
    changed[7] = helloExport('site-500', 500, {
      name: 'svc-7',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    model.setSiteExports('site-500', changed);
    const after = model.services();
    const changeMs = performance.now() - changeStart;
    console.log(
      `1,000 sites × 100 services: build+merge ${buildMs.toFixed(0)} ms, one change ${changeMs.toFixed(1)} ms`,
    );

    assert.equal(after.length, 100);
    after.forEach((service, i) => {
      if (service.name === 'svc-7') assert.notEqual(service, before[i]);
      else assert.equal(service, before[i], `${service.name} was not re-merged`);
    });
    assert.equal(
      after.find((s) => s.name === 'svc-7')?.conditions['site-500']?.conflict.reason,
      'PortConflict',
    );
  });
});
