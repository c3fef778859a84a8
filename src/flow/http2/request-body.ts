import type { ClientHttp2Stream, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';

/**
 * A client's request body on its way upstream. Chunks are kept while the body is small, so a
 * retry can send it again; a larger body is streamed only (and a retry is then impossible).
 * The client stream stays paused until the first upstream stream is attached, so nothing is
 * read that has nowhere to go.
 */
export class RequestBody {
  #chunks: Buffer[] = [];
  #size = 0;
  #overflowed = false;
  #ended = false;
  #trailers: IncomingHttpHeaders | undefined;
  #target: ClientHttp2Stream | undefined;
  #mirror: ClientHttp2Stream | undefined;

  constructor(
    private readonly client: ServerHttp2Stream,
    private readonly keepBytes: number,
    endStream: boolean,
  ) {
    this.#ended = endStream;
    if (endStream) return;
    client.pause();
    client.on('data', (chunk: Buffer) => this.#onData(chunk));
    client.once('trailers', (trailers: IncomingHttpHeaders) => (this.#trailers = trailers));
    client.once('end', () => {
      this.#ended = true;
      this.#target?.end();
      this.#mirror?.end();
    });
  }

  /** True when the whole body is known and kept: sending it again is possible. */
  get replayable(): boolean {
    return !this.#overflowed;
  }

  /** The client's request trailers, sent upstream when its body is done. */
  get trailers(): IncomingHttpHeaders {
    return this.#trailers ?? {};
  }

  /** Sends the body (what came so far, then the rest as it comes) to `target`. */
  attach(target: ClientHttp2Stream): void {
    this.#target = target;
    for (const chunk of this.#chunks) target.write(chunk);
    if (this.#ended) {
      if (!target.writableEnded) target.end();
      return;
    }
    this.client.resume();
  }

  /** A copy of the body for a mirror; dropped (reset) when the mirror cannot keep up. */
  mirrorTo(mirror: ClientHttp2Stream): void {
    this.#mirror = mirror;
    for (const chunk of this.#chunks) mirror.write(chunk);
    if (this.#ended) mirror.end();
  }

  #onData(chunk: Buffer): void {
    if (!this.#overflowed) {
      this.#size += chunk.length;
      if (this.#size > this.keepBytes) {
        this.#overflowed = true;
        this.#chunks = [];
      } else this.#chunks.push(chunk);
    }
    const mirror = this.#mirror;
    if (mirror !== undefined && !mirror.destroyed && !mirror.write(chunk)) {
      // A mirror never slows the real request: one that pushes back loses its copy.
      mirror.close();
      this.#mirror = undefined;
    }
    const target = this.#target;
    if (target === undefined || target.destroyed) return;
    if (target.write(chunk)) return;
    this.client.pause();
    target.once('drain', () => this.client.resume());
  }
}
