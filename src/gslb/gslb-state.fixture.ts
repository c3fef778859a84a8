import type { ServicesSnapshot, StatusReport } from '../api/index.js';
import type { GslbConfigInput } from './gslb-config.js';
import { validateGslbConfig } from './gslb-config-file.js';
import { GslbState } from './gslb-state.js';

/** Three regions, one record per strategy; every test starts from this and changes what it needs. */
export const FIXTURE_CONFIG: GslbConfigInput = {
  zone: 'gslb.example.com',
  nameServers: [
    { name: 'ns1.gslb.example.com', address: '192.0.2.53' },
    { name: 'ns2.example.net', address: '2001:db8::53' },
  ],
  geo: {
    cidrs: [
      { cidr: '10.1.0.0/16', region: 'eu' },
      { cidr: '10.2.0.0/16', region: 'us' },
      { cidr: '10.2.9.0/24', region: 'ap' },
    ],
    defaultRegion: 'us',
  },
  latency: { eu: { us: 80, ap: 200 }, us: { eu: 80, ap: 150 }, ap: { eu: 200, us: 150 } },
  records: [
    {
      name: 'api.gslb.example.com',
      service: 'shop/web',
      strategy: 'failover',
      holdDownSeconds: 30,
      targets: [
        { site: 'eu', address: '192.0.2.1' },
        { site: 'us', address: '192.0.2.2' },
        { site: 'ap', address: '192.0.2.3' },
      ],
    },
    {
      name: 'w.gslb.example.com',
      service: 'shop/web',
      strategy: 'weighted',
      targets: [
        { site: 'eu', address: '192.0.2.1', weight: 3 },
        { site: 'us', address: '192.0.2.2', weight: 1 },
        { site: 'ap', address: '192.0.2.3', weight: 0 },
      ],
    },
    {
      name: 'geo.gslb.example.com',
      service: 'shop/web',
      strategy: 'geo',
      targets: [
        { site: 'eu', address: '192.0.2.1' },
        { site: 'us', address: '192.0.2.2' },
        { site: 'ap', address: '192.0.2.3' },
      ],
    },
    {
      name: 'near.gslb.example.com',
      service: 'shop/web',
      strategy: 'latency',
      targets: [
        { site: 'eu', address: '192.0.2.1' },
        { site: 'us', address: '192.0.2.2' },
        { site: 'ap', address: '192.0.2.3' },
      ],
    },
    {
      name: 'all.deep.gslb.example.com',
      service: 'shop/web',
      strategy: 'all-healthy',
      maxAnswers: 2,
      noHealthy: 'servfail',
      targets: [
        { site: 'eu', address: '192.0.2.1' },
        { site: 'us', address: '2001:db8::2' },
        { site: 'ap', address: '192.0.2.3' },
      ],
    },
  ],
};

/** A router's snapshot in which `ready` sites have ready endpoints for shop/web. */
export function snapshotWith(ready: string[], site = 'eu'): ServicesSnapshot {
  const service = {
    name: 'web',
    namespace: 'shop',
    type: 'ClusterSetIP',
    sites: ['ap', 'eu', 'us'],
    readySites: ready,
  } as unknown as ServicesSnapshot['services'][number];
  return { site, services: [service], unreachable: [], converged: true };
}

export function statusWith(
  majority: boolean,
  region = 'eu',
): Pick<StatusReport, 'site' | 'links' | 'partition'> {
  return {
    site: { id: region, zone: region, region, trustDomain: 'x' },
    links: [],
    partition: { majority, quorum: 2, members: ['eu', 'us', 'ap'], reachable: [], unreachable: [] },
  };
}

/** A state fed by one majority router in which `ready` sites are healthy, at time `now`. */
export function stateWith(
  ready: string[],
  now = 1_000_000,
  config: GslbConfigInput = FIXTURE_CONFIG,
): GslbState {
  const state = new GslbState(validateGslbConfig(config), now);
  state.observe('router-eu', { snapshot: snapshotWith(ready), status: statusWith(true) }, now);
  return state;
}
