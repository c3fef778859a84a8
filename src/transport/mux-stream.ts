import { MAX_DATA_PAYLOAD } from './frame.js';
import { ResetCode } from './reset-code.js';

/** What a stream needs from the connection that carries it. */
export interface StreamCarrier {
  sendData(stream: number, chunk: Buffer): void;
  sendFin(stream: number): void;
  sendReset(stream: number, code: ResetCode): void;
  sendWindow(stream: number, credit: number): void;
  forget(stream: number): void;
  /** Bytes written towards the peer and still waiting in user space (the link socket's queue). */
  readonly bufferedBytes?: number;
}

/** Callbacks of a stream's consumer; whatever arrives before `attach` is held and replayed. */
export interface StreamHandlers {
  data(chunk: Buffer): void;
  end(): void;
  reset(code: number): void;
  /** The peer granted more send credit after the window ran out. */
  writable(): void;
}

/** Bytes a side may send before the receiver credits them back: bounds every buffer in the path. */
export const INITIAL_WINDOW = 512 * 1024;
/**
 * A flow whose consumer keeps up earns a larger window, doubling per credit batch up to this.
 * Measured on loopback through two routers: 512 KiB gives ~1.2 Gbit/s, 4 MiB ~2.2 (on par with
 * a plain TLS proxy pair), 8-16 MiB less again (more data parked in user space). See docs/adr/0001.
 */
export const MAX_WINDOW = 4 * 1024 * 1024;
/** Credit is returned in batches so WINDOW frames stay rare on a busy flow. */

type Held = { kind: 'data'; chunk: Buffer } | { kind: 'end' } | { kind: 'reset'; code: number };

/**
 * One flow on a link connection: a credit-based, half-closable byte stream.
 * Send credit is per stream, so one slow reader stalls only its own flow, never the link.
 */
export class MuxStream {
  readonly id: number;
  private readonly carrier: StreamCarrier;
  private handlers: StreamHandlers | undefined;
  private held: Held[] = [];
  private sendCredit = INITIAL_WINDOW;
  /** The part of a write that exceeded the send window: it goes out as credit arrives, never before. */
  private unsent: Buffer[] = [];
  private finPending = false;
  /** Bytes the peer may still send us before it must wait for credit. */
  private receiveAllowance = INITIAL_WINDOW;
  /** The receive window granted so far; grows while the consumer drains without back-pressure. */
  private window = INITIAL_WINDOW;
  private consumedSinceCredit = 0;
  private localEnded = false;
  private remoteEnded = false;
  private closed = false;

  constructor(id: number, carrier: StreamCarrier) {
    this.id = id;
    this.carrier = carrier;
  }

  /** Starts delivery; held events are replayed in order. */
  attach(handlers: StreamHandlers): void {
    this.handlers = handlers;
    const held = this.held;
    this.held = [];
    for (const event of held) this.deliver(event);
  }

  /**
   * Sends bytes; returns false when the send window is used up (pause the source until `writable`).
   * Only what the window allows goes out now: the peer resets a flow that overruns its window, so
   * the rest of the chunk waits here for credit.
   */
  write(chunk: Buffer): boolean {
    if (this.closed || this.localEnded) return false;
    if (this.unsent.length > 0) this.unsent.push(chunk);
    else this.sendWithinCredit(chunk);
    return this.unsent.length === 0 && this.sendCredit > 0;
  }

  /** Half-closes our direction (FIN, after any data still waiting for credit); the peer may keep sending. */
  end(): void {
    if (this.closed || this.localEnded) return;
    this.localEnded = true;
    if (this.unsent.length > 0) {
      this.finPending = true;
      return;
    }
    this.carrier.sendFin(this.id);
    this.closeIfDone();
  }

  /** Aborts both directions and tells the peer why. */
  reset(code: ResetCode): void {
    if (this.closed) return;
    this.closed = true;
    this.unsent = [];
    this.carrier.sendReset(this.id, code);
    this.carrier.forget(this.id);
  }

  /** The consumer has flushed `bytes` of received data: return credit to the peer. */
  consumed(bytes: number, congested = false): void {
    if (this.closed || this.remoteEnded) return;
    this.consumedSinceCredit += bytes;
    // Credit goes back in batches (a quarter window) so WINDOW frames stay rare on a busy flow.
    if (this.consumedSinceCredit < this.window / 4) return;
    let credit = this.consumedSinceCredit;
    if (!congested && this.window < MAX_WINDOW) {
      // The consumer drained this batch at once: the window, not the reader, limits the flow.
      const growth = Math.min(this.window, MAX_WINDOW - this.window);
      this.window += growth;
      credit += growth;
    }
    this.receiveAllowance += credit;
    this.carrier.sendWindow(this.id, credit);
    this.consumedSinceCredit = 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes the connection under this stream holds unsent, all its streams together. */
  get linkBufferedBytes(): number {
    return this.carrier.bufferedBytes ?? 0;
  }

  // ---- called by the session when frames arrive ----

  receiveData(chunk: Buffer): void {
    if (this.closed) return;
    this.receiveAllowance -= chunk.length;
    if (this.receiveAllowance < 0 || this.remoteEnded) {
      this.reset(ResetCode.FlowControl);
      this.deliver({ kind: 'reset', code: ResetCode.FlowControl });
      return;
    }
    this.deliver({ kind: 'data', chunk });
  }

  receiveFin(): void {
    if (this.closed || this.remoteEnded) return;
    this.remoteEnded = true;
    this.deliver({ kind: 'end' });
    this.closeIfDone();
  }

  receiveReset(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.unsent = [];
    this.carrier.forget(this.id);
    this.deliver({ kind: 'reset', code });
  }

  receiveWindow(credit: number): void {
    if (this.closed) return;
    const wasBlocked = this.sendCredit <= 0 || this.unsent.length > 0;
    this.sendCredit += credit;
    this.flushUnsent();
    if (this.closed || this.unsent.length > 0) return;
    if (wasBlocked && this.sendCredit > 0 && !this.localEnded && this.handlers !== undefined)
      this.handlers.writable();
  }

  /** The connection under the stream died. */
  abort(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.unsent = [];
    this.deliver({ kind: 'reset', code });
  }

  private sendWithinCredit(chunk: Buffer): void {
    const now = Math.min(chunk.length, Math.max(this.sendCredit, 0));
    if (now > 0) {
      this.sendCredit -= now;
      // A writer may hand over more than one frame may carry (the peer drops the link on an
      // oversized frame), so large sends go out as several frames.
      for (let at = 0; at < now; at += MAX_DATA_PAYLOAD) {
        const end = Math.min(now, at + MAX_DATA_PAYLOAD);
        this.carrier.sendData(
          this.id,
          at === 0 && end === chunk.length ? chunk : chunk.subarray(at, end),
        );
      }
    }
    if (now < chunk.length) this.unsent.push(now === 0 ? chunk : chunk.subarray(now));
  }

  private flushUnsent(): void {
    const waiting = this.unsent;
    this.unsent = [];
    for (const chunk of waiting) {
      if (this.unsent.length > 0) this.unsent.push(chunk);
      else this.sendWithinCredit(chunk);
    }
    if (this.unsent.length === 0 && this.finPending) {
      this.finPending = false;
      this.carrier.sendFin(this.id);
      this.closeIfDone();
    }
  }

  private closeIfDone(): void {
    if (this.localEnded && this.remoteEnded && !this.finPending && !this.closed) {
      this.closed = true;
      this.carrier.forget(this.id);
    }
  }

  private deliver(event: Held): void {
    const h = this.handlers;
    if (h === undefined) {
      this.held.push(event);
      return;
    }
    switch (event.kind) {
      case 'data':
        h.data(event.chunk);
        return;
      case 'end':
        h.end();
        return;
      case 'reset':
        h.reset(event.code);
        return;
    }
  }
}
