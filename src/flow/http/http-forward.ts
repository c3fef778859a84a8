import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { CausewayError, ErrorCode, wireForm } from '../../errors/index.js';
import { forwardHeaders } from './http-headers.js';
import { editRawHeaders, type HeaderEdits } from './routes/index.js';

/** How one proxied request ended. */
export type ForwardOutcome =
  | { kind: 'answered'; status: number }
  /** No response came; `replayable` when the request provably never reached the backend's handler. */
  | { kind: 'failed'; error: Error; replayable: boolean; timedOut: boolean }
  /** The client went away before the answer was complete; the upstream request was cancelled. */
  | { kind: 'abandoned' };

export interface ForwardPlan {
  agent: Agent;
  /** Filtered request headers, fencing headers included for a write. */
  headers: string[];
  responseTimeoutMs: number;
  /** A route rule's edits of the response headers. */
  responseHeaders?: HeaderEdits;
}

/** True when the request carries a body (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')
  );
}

/**
 * Sends one request upstream and streams the answer back with back-pressure both ways (relay).
 * Resolves when the exchange is over; on a failure before any response nothing has been
 * written to the client, so the caller may still answer (502, 504, or another endpoint).
 */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  plan: ForwardPlan,
): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ForwardOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let responded = false;
    let timedOut = false;
    const upstream = request({
      agent: plan.agent,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: plan.headers,
      setHost: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      upstream.destroy(
        new CausewayError(
          ErrorCode.Timeout,
          `the backend did not answer within ${plan.responseTimeoutMs} ms`,
        ),
      );
    }, plan.responseTimeoutMs);
    upstream.once('response', (answer) => {
      responded = true;
      clearTimeout(timer);
      res.writeHead(
        answer.statusCode ?? 502,
        answer.statusMessage,
        forwardHeaders(editRawHeaders(answer.rawHeaders, plan.responseHeaders), {
          keepTransferEncoding: false,
        }),
      );
      relay(answer, res);
      answer.once('error', () => res.destroy());
      res.once('finish', () => settle({ kind: 'answered', status: answer.statusCode ?? 502 }));
    });
    upstream.once('error', (error) => {
      clearTimeout(timer);
      // A reused keep-alive connection the backend had already closed fails before any byte
      // was processed: safe to send again, even for a write.
      // Only a request without a body can be sent again: a body has been consumed by now.
      const replayable =
        !responded &&
        !hasBody(req) &&
        upstream.reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (responded) res.destroy(error);
      settle(
        responded
          ? { kind: 'answered', status: res.statusCode }
          : { kind: 'failed', error, replayable, timedOut },
      );
    });
    // The client went away: nothing will read the answer, so stop the backend's work too.
    res.once('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      upstream.destroy();
      settle({ kind: 'abandoned' });
    });
    if (hasBody(req)) relay(req, upstream);
    else upstream.end();
  });
}

/**
 * Copies a message body to the next hop with back-pressure: what `pipe` does, with the few
 * listeners a one-way copy needs (pipe's bookkeeping is a measurable part of a small request).
 * If the next hop goes away, the rest of the body is read and dropped, so a keep-alive client
 * connection is not left stuck behind an unread body.
 */
function relay(from: IncomingMessage, to: Writable): void {
  const resume = (): void => {
    from.resume();
  };
  from.on('data', (chunk: Buffer) => {
    if (to.destroyed || to.writableEnded) return;
    if (to.write(chunk)) return;
    from.pause();
    to.once('drain', resume);
  });
  to.once('close', resume);
  from.once('end', () => {
    if (!to.destroyed) to.end();
  });
}

/** A JSON error answer from the router itself (the backend was never reached, or failed). */
export function sendJsonError(
  res: ServerResponse,
  body: ErrorBody,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(wireForm(body.error).http, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** A JSON error answer: its `error` code decides the status through the errors' wire table. */
export type ErrorBody = { error: ErrorCode; message: string } & Record<string, unknown>;
