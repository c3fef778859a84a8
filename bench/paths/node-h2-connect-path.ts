import type { PathUnderTest } from '../path-under-test.js';
import { nodePeerPair } from './node-peer-pair.js';

/**
 * Two node processes sharing one mutual TLS 1.3 HTTP/2 session, one CONNECT stream per flow:
 * the multiplexed reference the transport decision is weighed against.
 */
export const nodeH2ConnectPath: PathUnderTest = nodePeerPair(
  'node-h2-connect',
  'h2-ingress',
  'h2-egress',
);
