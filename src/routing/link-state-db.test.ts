import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkStateDb } from './link-state-db.js';
import type { SiteAdvert } from './site-advert.js';

const advert = (origin: string, seq: number, peers: string[], epoch = 1): SiteAdvert => ({
  type: 'site',
  origin,
  epoch,
  seq,
  zone: '',
  region: '',
  namespaces: [],
  links: peers.map((peer) => ({ peer, cost: 1 })),
  services: [],
});

describe('LinkStateDb', () => {
  it('applies only newer adverts and never its own', () => {
    const db = new LinkStateDb('a');
    assert.equal(db.apply(advert('b', 2, []), 0), 'applied');
    assert.equal(db.apply(advert('b', 2, []), 0), 'stale');
    assert.equal(db.apply(advert('b', 1, []), 0), 'stale');
    assert.equal(db.apply(advert('a', 9, []), 0), 'own');
  });

  it('routes through the graph and notices a site becoming unreachable', () => {
    const db = new LinkStateDb('a');
    db.setOwn(advert('a', 1, ['b']), 0);
    db.apply(advert('b', 1, ['a', 'c']), 0);
    db.apply(advert('c', 1, ['b']), 0);
    assert.equal(db.route('c')?.nextHop, 'b');
    db.apply(advert('b', 2, ['a']), 10);
    assert.equal(db.isReachable('c'), false);
    assert.deepEqual(db.expire(1_000, 5_000), []);
    assert.deepEqual(db.expire(5_010, 5_000), ['c']);
    assert.equal(db.get('c'), undefined);
  });

  it('keeps a site that comes back before the bound', () => {
    const db = new LinkStateDb('a');
    db.setOwn(advert('a', 1, ['b']), 0);
    db.apply(advert('b', 1, []), 0);
    db.apply(advert('b', 2, ['a']), 3_000);
    assert.deepEqual(db.expire(10_000, 5_000), []);
    assert.equal(db.isReachable('b'), true);
  });

  it('keeps the route table when an advert changes services only, and recomputes when links change', () => {
    const db = new LinkStateDb('a');
    db.setOwn(advert('a', 1, ['b']), 0);
    db.apply(advert('b', 1, ['a', 'c']), 0);
    db.apply(advert('c', 1, ['b']), 0);
    const routes = db.routes();
    const version = db.version;
    db.apply({ ...advert('c', 2, ['b']), namespaces: ['shop'] }, 0);
    assert.equal(db.routes(), routes);
    assert.equal(db.version, version + 1);
    assert.deepEqual(db.get('c')?.namespaces, ['shop']);
    db.apply(advert('b', 2, ['a']), 10);
    assert.notEqual(db.routes(), routes);
    assert.equal(db.isReachable('c'), false);
    assert.deepEqual(db.expire(5_010, 5_000), ['c']);
  });

  it('loads a batch with one verdict per advert and routes over all of it', () => {
    const db = new LinkStateDb('a');
    db.setOwn(advert('a', 1, ['b']), 0);
    db.apply(advert('c', 5, []), 0);
    const verdicts = db.load(
      [advert('b', 1, ['a', 'c']), advert('c', 6, ['b']), advert('c', 4, []), advert('a', 9, [])],
      0,
    );
    assert.deepEqual(verdicts, ['applied', 'applied', 'stale', 'own']);
    assert.equal(db.route('c')?.nextHop, 'b');
    assert.equal(db.route('c')?.hops, 2);
  });
});
