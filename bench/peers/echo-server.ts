// Target for the latency and idle-flow workloads: echoes every byte back. No args.
import { createServer } from 'node:net';

import { reportReady } from './report-ready.js';

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen(0, '127.0.0.1', () => reportReady(server));
