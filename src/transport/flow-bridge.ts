import type { Socket } from 'node:net';
import type { MuxStream } from './mux-stream.js';
import { ResetCode } from './reset-code.js';

/** How a bridged flow ended, for metrics and logs. */
export type FlowOutcome =
  | { kind: 'closed'; bytesIn: number; bytesOut: number }
  | { kind: 'reset'; by: 'local' | 'remote'; code: number; bytesIn: number; bytesOut: number };

export interface BridgeOptions {
  /** No bytes either way for this long resets the flow; 0 disables. */
  idleTimeoutMs: number;
  onDone(outcome: FlowOutcome): void;
  /**
   * Ingress only: when the far side refuses the flow before answering (backend down, no route,
   * link lost), open it again elsewhere and replay what the client sent, so the client never
   * sees the failure. Retries stop once the first answer byte arrives or the client has sent
   * more than `replayLimit` bytes.
   */
  retry?: { reopen(code: number): MuxStream | undefined; replayLimit: number };
}

/** Reset reasons that mean "this endpoint could not take the flow", safe to retry elsewhere. */
const RETRYABLE: ReadonlySet<number> = new Set([
  ResetCode.BackendUnreachable,
  ResetCode.ConnectTimeout,
  ResetCode.NoRoute,
  ResetCode.LinkLost,
  ResetCode.Refused,
]);

/**
 * Pipes a TCP socket and a link stream both ways with end-to-end back-pressure:
 * the socket is paused while the stream has no send credit, and credit is returned only once the
 * socket has flushed what it received — so neither router buffers more than one window per flow.
 * FIN travels as FIN (half-close kept), RST as RESET, in both directions.
 */
export function bridgeFlow(socket: Socket, first: MuxStream, options: BridgeOptions): void {
  let stream = first;
  let replay: Buffer[] | undefined = options.retry === undefined ? undefined : [];
  let replayBytes = 0;
  let bytesIn = 0; // socket → stream
  let bytesOut = 0; // stream → socket
  let socketEnded = false; // socket sent us FIN
  let streamEnded = false; // stream delivered FIN
  let finished = false;
  let owed = 0; // bytes received but not yet credited, waiting for the socket to drain

  const finish = (outcome: FlowOutcome): void => {
    if (finished) return;
    finished = true;
    options.onDone(outcome);
  };

  const attach = (current: MuxStream): void =>
    current.attach({
      data(chunk) {
        replay = undefined; // answered: from here on the flow belongs to this endpoint
        bytesOut += chunk.length;
        // Credit goes back at once while the socket's buffer is below its high-water mark, and
        // only after 'drain' once it is not: per-flow buffering stays bounded without a
        // callback per chunk.
        if (socket.write(chunk) && owed === 0) stream.consumed(chunk.length);
        else owed += chunk.length;
      },
      end() {
        streamEnded = true;
        socket.end();
      },
      reset(code) {
        if (retryElsewhere(code)) return;
        if (!socket.destroyed) socket.resetAndDestroy();
        finish({ kind: 'reset', by: 'remote', code, bytesIn, bytesOut });
      },
      writable() {
        socket.resume();
      },
    });
  attach(first);

  // A declaration, not a const: a stream reset before `attach(first)` replays it synchronously.
  function retryElsewhere(code: number): boolean {
    if (replay === undefined || !RETRYABLE.has(code) || socket.destroyed) return false;
    const next = options.retry?.reopen(code);
    if (next === undefined) return false;
    stream = next;
    attach(next);
    for (const chunk of replay) next.write(chunk);
    if (socketEnded) next.end();
    socket.resume();
    return true;
  }

  socket.on('drain', () => {
    if (owed === 0) return;
    const credit = owed;
    owed = 0;
    stream.consumed(credit, true);
  });
  socket.on('data', (chunk: Buffer) => {
    bytesIn += chunk.length;
    if (replay !== undefined) {
      replayBytes += chunk.length;
      if (replayBytes > (options.retry?.replayLimit ?? 0)) replay = undefined;
      else replay.push(chunk);
    }
    if (!stream.write(chunk)) socket.pause();
  });
  socket.on('end', () => {
    socketEnded = true;
    stream.end();
  });
  socket.on('error', () => {
    // The close handler below sees the error and resets the stream.
  });
  socket.on('close', (hadError: boolean) => {
    if (hadError || !socketEnded || !streamEnded) {
      stream.reset(hadError ? ResetCode.PeerReset : ResetCode.Cancelled);
      finish({ kind: 'reset', by: 'local', code: ResetCode.PeerReset, bytesIn, bytesOut });
      return;
    }
    finish({ kind: 'closed', bytesIn, bytesOut });
  });
  if (options.idleTimeoutMs > 0) {
    socket.setTimeout(options.idleTimeoutMs, () => {
      stream.reset(ResetCode.IdleTimeout);
      socket.resetAndDestroy();
      finish({ kind: 'reset', by: 'local', code: ResetCode.IdleTimeout, bytesIn, bytesOut });
    });
  }
}
