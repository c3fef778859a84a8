import type { PathUnderTest } from '../path-under-test.js';
import { directPath } from './direct-path.js';
import { nodeH2ConnectPath } from './node-h2-connect-path.js';
import { nodeTlsPairPath } from './node-tls-pair-path.js';
import { stunnelPath } from './stunnel-path.js';
import { causewayPath } from './causeway-path.js';

/**
 * Every path `npm run bench` knows, in table order. Add the router's path here; `direct` and
 * `stunnel` must stay, since the tables compare against them.
 */
export const paths: readonly PathUnderTest[] = [
  directPath,
  stunnelPath,
  causewayPath(1),
  causewayPath(2),
  nodeTlsPairPath,
  nodeH2ConnectPath,
];
