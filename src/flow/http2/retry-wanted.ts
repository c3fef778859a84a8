import { constants } from 'node:http2';
import type { RouteRuleConfig } from '../../config/index.js';
import type { AttemptResult } from './http2-exchange.js';
import { GrpcStatus } from './grpc-answer.js';

type RetryOn = NonNullable<RouteRuleConfig['retries']>['on'][number];

/** True when the attempt failed in a way the route's `on` list names. */
export function retryWanted(result: AttemptResult, on: readonly RetryOn[]): boolean {
  if (result.kind === 'failed')
    return (
      on.includes('reset') &&
      result.rstCode !== undefined &&
      result.rstCode !== constants.NGHTTP2_NO_ERROR
    );
  const status = Number(result.headers[':status'] ?? 0);
  if (on.includes('5xx') && status >= 500) return true;
  if (on.includes('gateway-error') && (status === 502 || status === 503 || status === 504))
    return true;
  // Trailers-only gRPC answers carry grpc-status in the headers, so this is known before any byte goes to the client.
  return (
    on.includes('unavailable') && Number(result.headers['grpc-status']) === GrpcStatus.unavailable
  );
}
