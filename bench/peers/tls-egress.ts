// Egress half of the node-tls-pair path: terminates mutual TLS 1.3 and connects each
// connection to the target. Args: <certDir> <targetHost:port>
import { connect } from 'node:net';
import { createServer } from 'node:tls';

import { parseHostPort, peerArg } from './peer-args.js';
import { reportReady } from './report-ready.js';
import { spliceDuplex } from './splice-duplex.js';
import { tlsMaterial } from './tls-material.js';

const material = tlsMaterial(peerArg(0, 'certDir'));
const target = parseHostPort(peerArg(1, 'targetHost:port'));

const server = createServer(
  { ...material, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
  (tls) => {
    tls.setNoDelay(true);
    spliceDuplex(tls, connect({ ...target, noDelay: true }));
  },
);
// A failed handshake is the client's problem to report; the server keeps serving.
server.on('tlsClientError', () => undefined);
server.listen(0, '127.0.0.1', () => reportReady(server));
