// Ingress half of the node-tls-pair path: every accepted TCP connection gets its own mutual
// TLS 1.3 connection to the egress. Args: <certDir> <egressHost:port>
import { createServer } from 'node:net';
import { connect } from 'node:tls';

import { parseHostPort, peerArg } from './peer-args.js';
import { reportReady } from './report-ready.js';
import { spliceDuplex } from './splice-duplex.js';
import { BENCH_SERVER_NAME, tlsMaterial } from './tls-material.js';

const material = tlsMaterial(peerArg(0, 'certDir'));
const egress = parseHostPort(peerArg(1, 'egressHost:port'));

const server = createServer({ noDelay: true }, (socket) => {
  const tls = connect({
    ...material,
    ...egress,
    servername: BENCH_SERVER_NAME,
    minVersion: 'TLSv1.3',
  });
  tls.setNoDelay(true);
  spliceDuplex(socket, tls);
});
server.listen(0, '127.0.0.1', () => reportReady(server));
