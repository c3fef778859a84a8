// The flow area: carrying a client's connection to an endpoint somewhere in the clusterset.
// Owns the listeners and connectors per protocol (tcp/, http/ for HTTP imports, udp/ for
// datagrams; http2/ will be a sibling), endpoint choice (traffic policy, outlier ejection), the virtual IPs and
// ports imports listen on, and the listener errors users see. Tells every flow as a
// causeway:flow:* event (observability/). May import errors/, runtime/, config/, site-files/,
// transport/, observability/, policy/, health/, services/, mcs/, lease/ (states only), routing/
// (routes), link/ (the mesh a flow leaves through), api/ (shapes), network/ (direct paths); never
// membership/ or router/.
export { EndpointChooser } from './endpoint-chooser.js';
export { VipImports, type ImportAddressing } from './vip-imports.js';
export { mayBindPrivileged, unprivilegedPortStart } from './privileged-ports.js';
export { TcpEgress, TcpIngress } from './tcp/index.js';
export { UdpEgress, UdpIngress } from './udp/index.js';
export { HttpIngress, type HttpIngressDeps } from './http/index.js';
export { ImportSync, type ImportFailure, type ImportSyncDeps } from './import-sync.js';
export { createSiteFlows, type SiteFlows, type SiteFlowsDeps } from './site-flows.js';
export { drainFlows } from './drain-flows.js';
export { DirectPaths, dialTcp, type Dial, type DirectPathsDeps } from './direct-paths.js';
