// Target for the connection-rate workload: writes one byte to each connection and ends it.
import { createServer } from 'node:net';

import { reportReady } from './report-ready.js';

const ONE_BYTE = Buffer.from([0x2a]);

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.end(ONE_BYTE);
  socket.resume();
});
server.listen(0, '127.0.0.1', () => reportReady(server));
