import {
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import type { RequestBody } from './request-body.js';

/** How one attempt to send a request upstream went, up to its response headers. */
export type AttemptResult =
  | {
      kind: 'response';
      upstream: ClientHttp2Stream;
      headers: IncomingHttpHeaders;
      endStream: boolean;
      /** Filled when the backend's trailers arrive: they may come in the same read as the headers, before the caller looks. */
      trailers: { value: IncomingHttpHeaders | undefined };
    }
  /**
   * No response. `unprocessed` when the backend provably did not act on it (no session,
   * REFUSED_STREAM — RFC 9113 §8.7), so it may go elsewhere whatever the route says.
   */
  | { kind: 'failed'; error: Error; unprocessed: boolean; rstCode: number | undefined };

/**
 * Opens a stream on `session` for the request and sends its body; resolves at the response
 * headers or the failure before them. The caller commits the response (or retries).
 */
export function sendAttempt(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body: RequestBody,
  endStream: boolean,
  /** Told the upstream stream at once, so a client that cancels can reset it before any answer. */
  onStream: (upstream: ClientHttp2Stream) => void,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    let upstream: ClientHttp2Stream;
    try {
      upstream = session.request(headers, { endStream, waitForTrailers: !endStream });
    } catch (err) {
      settle({ kind: 'failed', error: asError(err), unprocessed: true, rstCode: undefined });
      return;
    }
    onStream(upstream);
    // Request trailers go after the body; an empty set ends the stream with an empty DATA frame.
    upstream.once('wantTrailers', () => upstream.sendTrailers(body.trailers));
    const trailers: { value: IncomingHttpHeaders | undefined } = { value: undefined };
    upstream.once('trailers', (t: IncomingHttpHeaders) => (trailers.value = t));
    upstream.once('response', (answer, flags) =>
      settle({
        kind: 'response',
        upstream,
        headers: answer,
        endStream: (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0,
        trailers,
      }),
    );
    // A failing session destroys its streams with its error, so the stream's error says it all.
    let streamError: Error | undefined;
    upstream.once('error', (err: Error) => {
      streamError = err;
    });
    upstream.once('close', () => {
      if (settled) return;
      const code = upstream.rstCode;
      // A stream that never got an id was never sent; REFUSED_STREAM says it was not processed.
      const unprocessed = upstream.id === undefined || code === constants.NGHTTP2_REFUSED_STREAM;
      settle({
        kind: 'failed',
        error: streamError ?? new Error(`the backend reset the stream (code ${code ?? 'none'})`),
        unprocessed,
        rstCode: code,
      });
    });
    if (!endStream) body.attach(upstream);
  });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
