import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownLinkEndpoints } from './own-link-endpoints.js';

describe('ownLinkEndpoints', () => {
  it("prefers link.advertise, else the bound address, with a wildcard host replaced by this host's addresses", () => {
    const addresses = () => ['10.0.3.7', '192.168.1.4'];
    assert.deepEqual(
      ownLinkEndpoints(['lb.example:443'], { host: '0.0.0.0', port: 7443 }, addresses),
      ['lb.example:443'],
    );
    assert.deepEqual(ownLinkEndpoints([], { host: '127.0.0.1', port: 7444 }, addresses), [
      '127.0.0.1:7444',
    ]);
    assert.deepEqual(ownLinkEndpoints([], { host: '::1', port: 7444 }, addresses), ['[::1]:7444']);
    assert.deepEqual(ownLinkEndpoints([], { host: '0.0.0.0', port: 7443 }, addresses), [
      '10.0.3.7:7443',
      '192.168.1.4:7443',
    ]);
    assert.deepEqual(
      ownLinkEndpoints([], { host: '0.0.0.0', port: 0 }, addresses),
      [],
      'nothing before the port is bound',
    );
  });
});
