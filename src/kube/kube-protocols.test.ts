import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExportConfig,
  ManagedState,
  PolicyConfig,
  SiteConfig,
  mergeManagedState,
} from '../config/index.js';
import { managedStateOf } from './export/managed-state-sync.js';
import { leaseStep, microTime } from './leader/lease-step.js';
import { secretAction } from './link-exchange/link-secrets.js';
import { pickServedVersion } from './crds/crd-installer.js';
import { createLogger } from '../observability/index.js';
import { WorkQueue } from './watch/work-queue.js';

describe('link Secrets protocol', () => {
  const meta = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
    metadata: { labels, annotations },
  });
  it('issues for a request with a for-site, once', () => {
    assert.deepEqual(
      secretAction(
        meta({ 'causeway.io/token-request': 'true' }, { 'causeway.io/for-site': 'west' }),
      ),
      { kind: 'issue', forSite: 'west' },
    );
    assert.equal(
      secretAction({
        ...meta({ 'causeway.io/token-request': 'true' }, { 'causeway.io/for-site': 'west' }),
        data: { token: 'eA==' },
      }).kind,
      'none',
    );
    assert.equal(secretAction(meta({ 'causeway.io/token-request': 'true' })).kind, 'none');
  });
  it('redeems a token Secret once, decoding data.token', () => {
    assert.deepEqual(
      secretAction({
        ...meta({ 'causeway.io/link-token': 'true' }),
        data: { token: Buffer.from('cw1.abc\n').toString('base64') },
      }),
      { kind: 'redeem', token: 'cw1.abc' },
    );
    assert.equal(
      secretAction({
        ...meta({ 'causeway.io/link-token': 'true' }, { 'causeway.io/link-status': 'Linked' }),
        data: { token: 'eA==' },
      }).kind,
      'none',
    );
  });
});

describe('leader Lease decisions', () => {
  const lease = (holder: string, renewMs: number) => ({
    metadata: { name: 'l' },
    spec: { holderIdentity: holder, leaseDurationSeconds: 10, renewTime: microTime(renewMs) },
  });
  it('creates, renews its own, waits for a live holder, takes over an expired one', () => {
    assert.equal(leaseStep(undefined, 'a', 0).kind, 'create');
    assert.equal(leaseStep(lease('a', 1_000), 'a', 2_000).kind, 'renew');
    assert.deepEqual(leaseStep(lease('b', 1_000), 'a', 5_000), {
      kind: 'wait',
      holder: 'b',
      expiresInMs: 6_000,
    });
    assert.equal(leaseStep(lease('b', 1_000), 'a', 11_001).kind, 'take-over');
    assert.equal(leaseStep(lease('', 1_000), 'a', 1_001).kind, 'take-over');
    assert.match(microTime(0), /^1970-01-01T00:00:00\.000000Z$/);
  });
});

describe('managed state from the cluster', () => {
  it('is sorted and stable, keeps affinities other than none as policies, and merges under site.yaml', () => {
    const fresh = ExportConfig.parse({
      name: 'web',
      namespace: 'shop',
      port: 80,
      to: '10.0.0.2:80',
    });
    const state = managedStateOf({
      exports: [fresh],
      namespaces: ['shop', 'default', 'shop'],
      affinities: new Map([
        ['shop/web', 'local'],
        ['shop/api', 'remote'],
        ['shop/db', 'none'],
      ]),
      clustersetIps: { 'shop/web': ['10.96.0.20'], 'ops/db': ['10.96.0.9'] },
    });
    assert.deepEqual(
      Object.keys(state.clustersetIps ?? {}),
      ['ops/db', 'shop/web'],
      'sorted, so equal states serialize equally',
    );
    assert.deepEqual(state.namespaces, ['default', 'shop']);
    assert.deepEqual(
      state.policies?.map((p) => [p.service, p.affinity]),
      [
        ['api', 'remote'],
        ['web', 'local'],
      ],
    );
    const config = SiteConfig.parse({
      apiVersion: 'causeway.io/v1alpha1',
      kind: 'Site',
      site: { id: 'east', zone: 'z', region: 'r', trustDomain: 'td' },
      namespaces: ['ops'],
      exports: [{ name: 'manual', namespace: 'ops', port: 22, to: '10.0.0.9:22' }],
      policies: [
        PolicyConfig.parse({ service: 'web', namespace: 'shop', locality: 'PreferClose' }),
      ],
    });
    const merged = mergeManagedState(config, ManagedState.parse(state));
    assert.deepEqual(
      merged.exports.map((e) => e.name),
      ['manual', 'web'],
    );
    assert.deepEqual(merged.namespaces, ['default', 'ops', 'shop']);
    assert.deepEqual(
      merged.policies.map((p) => [p.service, p.affinity, p.locality]),
      [
        ['web', 'none', 'PreferClose'],
        ['api', 'remote', 'Any'],
      ],
      'a hand-written policy wins',
    );
    assert.deepEqual(merged.services.clustersetIps['shop/web'], ['10.96.0.20']);
    assert.throws(
      () => ManagedState.parse({ ...state, clustersetIps: { 'shop/web': ['10.96.0.300'] } }),
      /IP address/,
      'a bad address in managed.json is refused',
    );
  });
});

describe('CRD coexistence', () => {
  it('uses the newest version the installed CRD serves', () => {
    const crd = (versions: Array<[string, boolean]>) => ({
      metadata: { name: 'x' },
      spec: {
        group: 'g',
        names: { plural: 'p', kind: 'K' },
        versions: versions.map(([name, served]) => ({ name, served, storage: false })),
      },
    });
    assert.equal(
      pickServedVersion(
        crd([
          ['v1alpha1', true],
          ['v1beta1', true],
        ]),
        ['v1beta1', 'v1alpha1'],
      ),
      'v1beta1',
    );
    assert.equal(
      pickServedVersion(
        crd([
          ['v1alpha1', true],
          ['v1beta1', false],
        ]),
        ['v1beta1', 'v1alpha1'],
      ),
      'v1alpha1',
    );
    assert.equal(pickServedVersion(crd([['v1', true]]), ['v1beta1', 'v1alpha1']), undefined);
  });
});

describe('WorkQueue', () => {
  it('never runs one key twice at once, runs it again after a change mid-run, retries failures', async () => {
    const running = new Set<string>();
    const runs: string[] = [];
    let failOnce = true;
    // The first run of `a` holds until released, so "a change mid-run" does not depend on timer precision.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const queue = new WorkQueue(
      async (key) => {
        assert.ok(!running.has(key), `${key} ran concurrently`);
        running.add(key);
        runs.push(key);
        if (key === 'a' && runs.filter((k) => k === 'a').length === 1) {
          started();
          await held;
        }
        running.delete(key);
        if (key === 'b' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
      },
      { concurrency: 4, logger: createLogger('test', 'silent') },
    );
    queue.add('a');
    await firstStarted;
    // Both land while `a` runs: folded into one more run, never a concurrent one.
    queue.add('a');
    queue.add('a');
    queue.add('b');
    release();
    const deadline = Date.now() + 5_000;
    while (runs.filter((k) => k === 'b').length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await queue.idle();
    queue.close();
    assert.equal(runs.filter((k) => k === 'a').length, 2);
    assert.equal(runs.filter((k) => k === 'b').length, 2, 'b failed once and was retried');
  });
});
