import type { Duplex } from 'node:stream';

/**
 * Pipes two duplexes into each other. An orderly end travels on (pipe ends the other side);
 * an error or abort on either side destroys the other so no half-dead socket leaks.
 */
export function spliceDuplex(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => closeAfterFlush(b));
  b.on('close', () => closeAfterFlush(a));
}

// Destroying at once could drop bytes still queued for writing (a server's last byte before
// its FIN); ending first lets them drain, and the timer bounds a peer that never reads.
function closeAfterFlush(stream: Duplex): void {
  if (stream.destroyed) return;
  stream.end();
  setTimeout(() => stream.destroy(), 5_000).unref();
}
