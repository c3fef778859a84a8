// Egress half of the node-h2-connect path: accepts HTTP/2 CONNECT streams over mutual TLS 1.3
// and connects each to the target. Args: <certDir> <targetHost:port>
import { constants, createSecureServer, type ServerHttp2Stream } from 'node:http2';
import { connect, type Socket } from 'node:net';

import { parseHostPort, peerArg } from './peer-args.js';
import { H2_MAX_SESSION_MEMORY_MB, H2_SESSION_WINDOW, H2_SETTINGS } from './h2-settings.js';
import { reportReady } from './report-ready.js';
import { spliceDuplex } from './splice-duplex.js';
import { tlsMaterial } from './tls-material.js';

const material = tlsMaterial(peerArg(0, 'certDir'));
const target = parseHostPort(peerArg(1, 'targetHost:port'));

const server = createSecureServer({
  ...material,
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.3',
  settings: H2_SETTINGS,
  maxSessionMemory: H2_MAX_SESSION_MEMORY_MB,
});
// The raw TCP socket, before TLS and HTTP/2 take it over and forbid touching it.
server.on('connection', (socket: Socket) => socket.setNoDelay(true));
server.on('session', (session) => {
  session.setLocalWindowSize(H2_SESSION_WINDOW);
});
server.on('stream', (stream: ServerHttp2Stream, headers) => {
  if (headers[constants.HTTP2_HEADER_METHOD] !== 'CONNECT') {
    stream.respond({ [constants.HTTP2_HEADER_STATUS]: 405 }, { endStream: true });
    return;
  }
  const socket = connect({ ...target, noDelay: true });
  socket.once('connect', () => stream.respond({ [constants.HTTP2_HEADER_STATUS]: 200 }));
  spliceDuplex(stream, socket);
});
// A failed handshake is the client's problem to report; the server keeps serving.
server.on('tlsClientError', () => undefined);
server.listen(0, '127.0.0.1', () => reportReady(server));
