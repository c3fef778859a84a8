import type { SiteExport } from './site-export.js';

/** The conformance suite's `hello` service (tcp/42, udp/42, ClientIP affinity 10 s) as exported by `site` at `exportedAt`. */
export function helloExport(
  site: string,
  exportedAt: number,
  overrides: Partial<SiteExport> = {},
): SiteExport {
  return {
    site,
    name: 'hello',
    namespace: 'mcs-conformance',
    type: 'ClusterSetIP',
    ports: [
      { name: 'tcp', port: 42, protocol: 'TCP' },
      { name: 'udp', port: 42, protocol: 'UDP' },
    ],
    exportedAt,
    sessionAffinity: 'ClientIP',
    sessionAffinityTimeoutSeconds: 10,
    ipFamilies: ['IPv4'],
    endpoints: [{ addresses: [`10.${exportedAt % 250}.0.1`], ready: true }],
    ...overrides,
  };
}
