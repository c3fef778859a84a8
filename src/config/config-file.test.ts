import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CausewayError } from '../errors/index.js';
import { parseSiteConfig } from './config-file.js';

const valid = {
  apiVersion: 'causeway.io/v1alpha1',
  kind: 'Site',
  site: { id: 'eu-west', zone: 'eu-west-1a', region: 'eu-west-1', trustDomain: 'prod.example' },
  links: [{ peer: 'us-east', endpoints: ['127.0.0.1:7443'] }],
  exports: [{ name: 'web', namespace: 'shop', port: 8080, to: '127.0.0.1:9000' }],
};

describe('parseSiteConfig', () => {
  it('fills defaults for a minimal valid config', () => {
    const config = parseSiteConfig(stringify(valid));
    assert.equal(config.link.listen, '0.0.0.0:7443');
    assert.equal(config.link.deadAfterMs <= 1000, true);
    assert.equal(config.links[0]?.cost, 1);
    assert.deepEqual(config.imports, []);
  });

  it('names the file, the field and the fix for a wrong field', () => {
    const bad = {
      ...valid,
      links: [{ peer: 'us-east', endpoints: ['127.0.0.1:7443'], cost: 'cheap' }],
    };
    assert.throws(
      () => parseSiteConfig(stringify(bad), '/etc/causeway/site.yaml'),
      (err: unknown) =>
        err instanceof CausewayError &&
        err.code === 'CW_CONFIG_INVALID' &&
        err.message.includes('/etc/causeway/site.yaml') &&
        err.message.includes('links[0].cost') &&
        (err.hint ?? '').includes('links[0].cost'),
    );
  });

  it('keeps the console off by default and never serves it without a token file', () => {
    assert.equal(parseSiteConfig(stringify(valid)).console.listen, '');
    assert.throws(
      () => parseSiteConfig(stringify({ ...valid, console: { listen: '0.0.0.0:7480' } })),
      (err: unknown) =>
        err instanceof CausewayError &&
        err.code === 'CW_CONFIG_INVALID' &&
        err.message.includes('console.tokenFile'),
    );
    const on = { listen: '0.0.0.0:7480', tokenFile: '/etc/causeway/console/token' };
    assert.deepEqual(parseSiteConfig(stringify({ ...valid, console: on })).console, on);
  });

  it('names the file and field of a link.listen port out of range', () => {
    for (const listen of ['127.0.0.1:70000', '0.0.0.0:65536']) {
      assert.throws(
        () => parseSiteConfig(stringify({ ...valid, link: { listen } }), '/etc/causeway/site.yaml'),
        (err: unknown) =>
          err instanceof CausewayError &&
          err.code === 'CW_CONFIG_INVALID' &&
          err.message.includes('/etc/causeway/site.yaml') &&
          err.message.includes('link.listen'),
        listen,
      );
    }
    assert.equal(
      parseSiteConfig(stringify({ ...valid, link: { listen: '0.0.0.0:65535' } })).link.listen,
      '0.0.0.0:65535',
    );
  });

  it('export ports: names are Service port names, appProtocol http only through protocol: http, listed ports distinct', () => {
    const withExport = (fields: Record<string, unknown>) =>
      stringify({ ...valid, exports: [{ ...valid.exports[0], ...fields }] });
    const rejects = (fields: Record<string, unknown>, field: string) =>
      assert.throws(
        () => parseSiteConfig(withExport(fields)),
        (err: unknown) => err instanceof CausewayError && err.message.includes(field),
        JSON.stringify(fields),
      );
    const ok = parseSiteConfig(
      withExport({
        portName: 'a-long-service-port-name',
        appProtocol: 'kubernetes.io/h2c',
        uncarriedPorts: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'SCTP' },
        ],
      }),
    );
    assert.equal(ok.exports[0]?.portName, 'a-long-service-port-name');
    assert.equal(parseSiteConfig(withExport({ portName: '' })).exports[0]?.portName, '');
    rejects({ portName: 'Web' }, 'exports[0].portName');
    rejects({ appProtocol: 'http' }, 'exports[0].appProtocol');
    rejects({ protocol: 'http', appProtocol: 'grpc' }, 'exports[0].appProtocol');
    rejects(
      { portName: 'dns', uncarriedPorts: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
      'exports[0].uncarriedPorts[0].name',
    );
    rejects(
      {
        uncarriedPorts: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'UDP' },
        ],
      },
      'exports[0].uncarriedPorts[1]',
    );
    rejects(
      { uncarriedPorts: [{ port: 53, protocol: 'TCP' }] },
      'exports[0].uncarriedPorts[0].protocol',
    );
  });

  it('rejects unknown keys (typos must not be silently ignored)', () => {
    assert.throws(
      () => parseSiteConfig(stringify({ ...valid, exprots: [] })),
      (err: unknown) => err instanceof CausewayError && err.message.includes('exprots'),
    );
  });

  it('reports YAML syntax errors with a line', () => {
    assert.throws(
      () => parseSiteConfig('site: [unclosed\n  id: x'),
      (err: unknown) =>
        err instanceof CausewayError &&
        /not valid YAML/.test(err.message) &&
        /line/.test(err.hint ?? ''),
    );
  });

  it('never throws anything but CW_CONFIG_INVALID on hostile text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.jsonValue().map((v) => stringify(v)),
          fc.anything().map((v) => stringify({ ...valid, site: v })),
        ),
        (text) => {
          try {
            parseSiteConfig(text);
          } catch (err) {
            assert.ok(
              err instanceof CausewayError && err.code === 'CW_CONFIG_INVALID',
              `unexpected ${String(err)}`,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('survives YAML alias bombs', () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    assert.throws(
      () => parseSiteConfig(bomb),
      (err: unknown) => err instanceof CausewayError,
    );
  });

  it('accepts an HTTP single-writer export and a lease store, defaulting TCP, embedded and a 5 s TTL', () => {
    const config = parseSiteConfig(
      stringify({
        ...valid,
        exports: [
          ...valid.exports,
          {
            name: 'ledger',
            namespace: 'pay',
            port: 80,
            to: '127.0.0.1:8080',
            protocol: 'http',
            writes: 'single-writer',
            lease: 'payments-writer',
          },
        ],
        leases: { backend: 'etcd', endpoints: ['http://10.0.0.5:2379'], hold: ['payments-writer'] },
      }),
    );
    assert.equal(config.exports[0]?.protocol, 'TCP');
    assert.deepEqual(
      [config.exports[1]?.protocol, config.exports[1]?.writes, config.exports[1]?.lease],
      ['http', 'single-writer', 'payments-writer'],
    );
    assert.deepEqual(
      [config.leases.backend, config.leases.ttlMs, config.leases.hold],
      ['etcd', 5_000, ['payments-writer']],
    );
    assert.equal(parseSiteConfig(stringify(valid)).leases.backend, 'embedded');
  });

  it('names the field a single-writer export or a lease store is missing', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { exports: [{ ...valid.exports[0], writes: 'single-writer', lease: 'w' }] },
        'exports[0].protocol',
      ],
      [
        { exports: [{ ...valid.exports[0], protocol: 'http', writes: 'single-writer' }] },
        'exports[0].lease',
      ],
      [{ exports: [{ ...valid.exports[0], protocol: 'http', lease: 'w' }] }, 'exports[0].lease'],
      [
        {
          exports: [
            { ...valid.exports[0], protocol: 'http', writes: 'single-writer', lease: '../etc' },
          ],
        },
        'exports[0].lease',
      ],
      [
        {
          exports: [
            {
              ...valid.exports[0],
              protocol: 'http',
              writes: 'single-writer',
              lease: 'w',
              readMethods: ['GET /'],
            },
          ],
        },
        'exports[0].readMethods[0]',
      ],
      [{ leases: { backend: 'etcd' } }, 'leases.endpoints'],
      [{ leases: { backend: 'etcd', endpoints: ['10.0.0.5:2379'] } }, 'leases.endpoints[0]'],
    ];
    for (const [patch, field] of cases) {
      assert.throws(
        () => parseSiteConfig(stringify({ ...valid, ...patch })),
        (err: unknown) => err instanceof CausewayError && err.message.includes(`field ${field}:`),
        `expected an error naming ${field} for ${JSON.stringify(patch)}`,
      );
    }
  });
});
