import { CausewayError, ErrorCode } from '../errors/index.js';
import type { ServiceEndpoint } from './site-export.js';

/**
 * The per-endpoint DNS label of a headless service: the endpoint's hostname, else its first address with
 * `.`/`:` turned into `-` (what coredns/multicluster does and the conformance SRV test expects).
 */
export function headlessHostname(
  endpoint: Pick<ServiceEndpoint, 'hostname' | 'addresses'>,
): string {
  if (endpoint.hostname !== undefined && endpoint.hostname !== '') return endpoint.hostname;
  const first = endpoint.addresses[0];
  if (first === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'endpoint has neither a hostname nor an address',
    );
  return first.replace(/[.:]/g, '-');
}
