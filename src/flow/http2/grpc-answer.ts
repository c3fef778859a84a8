import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { ErrorCode, wireForm } from '../../errors/index.js';

/** gRPC status codes the router itself answers with (grpc/doc/statuscodes.md). */
export const GrpcStatus = {
  deadlineExceeded: 4,
  unavailable: 14,
  internal: 13,
} as const;

/** A request of the gRPC protocol (its content type is application/grpc, possibly +proto etc.). */
export function isGrpcRequest(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.startsWith('application/grpc');
}

/**
 * The gRPC status a router error becomes: a gRPC client reads `grpc-status`, not the HTTP status
 * (which gRPC requires to be 200), so no endpoint is UNAVAILABLE (the client may retry elsewhere)
 * and a timeout is DEADLINE_EXCEEDED.
 */
export function grpcStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.Timeout:
      return GrpcStatus.deadlineExceeded;
    case ErrorCode.Internal:
      return GrpcStatus.internal;
    default:
      return GrpcStatus.unavailable;
  }
}

/**
 * Answers a stream the router could not forward: a trailers-only gRPC response for gRPC requests,
 * a JSON body with the code's HTTP status otherwise. Nothing is written once headers went out;
 * the stream is reset instead, so the client sees a failure, not a short answer.
 */
export function answerError(
  stream: ServerHttp2Stream,
  grpc: boolean,
  error: { code: ErrorCode; message: string; site?: string },
): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (grpc) {
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(grpcStatusOf(error.code)),
        'grpc-message': encodeGrpcMessage(error.message),
      },
      { endStream: true },
    );
    return;
  }
  const body = `${JSON.stringify({ error: error.code, message: error.message, ...(error.site === undefined ? {} : { site: error.site }) })}\n`;
  stream.respond({
    ':status': wireForm(error.code).http,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(error.code === ErrorCode.NoEndpoint ? { 'retry-after': '1' } : {}),
  });
  stream.end(body);
}

/** `grpc-message` is percent-encoded UTF-8: bytes outside printable ASCII and `%` itself (gRPC over HTTP/2, "Responses"). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
