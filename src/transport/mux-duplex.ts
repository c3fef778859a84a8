import { Duplex } from 'node:stream';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { MuxStream } from './mux-stream.js';
import { ResetCode, resetCodeName } from './reset-code.js';

/**
 * A link stream as a Node Duplex, so `http.Agent` can use a Causeway flow as its connection
 * (`createConnection`). Back-pressure is end to end: a write completes only within the stream's
 * send credit, and credit goes back to the far side only as the reader consumes. The socket
 * methods the HTTP client calls (timeouts, keep-alive, ref) are provided; the idle timeout is
 * real, since the agent relies on it to retire idle keep-alive connections.
 */
export class MuxDuplex extends Duplex {
  readonly #stream: MuxStream;
  /** Bytes pushed to a full read buffer, credited back once the reader asks for more. */
  #owed = 0;
  #pendingWrite: (() => void) | undefined;
  #idleMs = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(stream: MuxStream) {
    super({ allowHalfOpen: false });
    this.#stream = stream;
    stream.attach({
      data: (chunk) => {
        this.#touch();
        if (this.push(chunk)) stream.consumed(chunk.length);
        else this.#owed += chunk.length;
      },
      end: () => this.push(null),
      reset: (code) =>
        this.destroy(
          new CausewayError(
            ErrorCode.FlowReset,
            `flow reset by the far side: ${resetCodeName(code)}`,
          ),
        ),
      writable: () => {
        const done = this.#pendingWrite;
        this.#pendingWrite = undefined;
        done?.();
      },
    });
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#touch();
    if (this.#stream.isClosed) {
      callback(new CausewayError(ErrorCode.FlowReset, 'flow already closed'));
      return;
    }
    if (this.#stream.write(chunk)) callback();
    else this.#pendingWrite = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#stream.end();
    callback();
  }

  override _read(): void {
    if (this.#owed === 0) return;
    const credit = this.#owed;
    this.#owed = 0;
    this.#stream.consumed(credit, true);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idleTimer);
    if (!this.#stream.isClosed) this.#stream.reset(ResetCode.Cancelled);
    const pending = this.#pendingWrite;
    this.#pendingWrite = undefined;
    pending?.();
    callback(error);
  }

  /** net.Socket#setTimeout: 'timeout' after `ms` without traffic; 0 turns it off. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.#idleMs = ms;
    if (onTimeout !== undefined) this.once('timeout', onTimeout);
    this.#touch();
    return this;
  }

  setNoDelay(): this {
    return this; // frames go out as written; there is no Nagle to turn off
  }

  setKeepAlive(): this {
    return this; // link liveness is the link's own pings
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  #touch(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#idleMs > 0 && !this.destroyed) {
      this.#idleTimer = setTimeout(() => this.emit('timeout'), this.#idleMs);
      this.#idleTimer.unref();
    }
  }
}
