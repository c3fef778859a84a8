// Target for the node throughput fallback: counts bytes until the sender ends, then replies
// with the count as a 64-bit big-endian integer so the sender measures what arrived.
import { createServer } from 'node:net';

import { reportReady } from './report-ready.js';

const server = createServer((socket) => {
  let received = 0;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  socket.on('end', () => {
    const reply = Buffer.alloc(8);
    reply.writeBigUInt64BE(BigInt(received));
    socket.end(reply);
  });
});
server.listen(0, '127.0.0.1', () => reportReady(server));
