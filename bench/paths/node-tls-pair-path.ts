import type { PathUnderTest } from '../path-under-test.js';
import { nodePeerPair } from './node-peer-pair.js';

/** Two node processes, one mutual TLS 1.3 connection per flow: the simplest possible tunnel. */
export const nodeTlsPairPath: PathUnderTest = nodePeerPair(
  'node-tls-pair',
  'tls-ingress',
  'tls-egress',
);
