// Ingress half of the node-h2-connect path: one mutual TLS 1.3 HTTP/2 session to the egress,
// one CONNECT stream per accepted TCP connection. Args: <certDir> <egressHost:port>
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { createServer } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

import { parseHostPort, peerArg } from './peer-args.js';
import { H2_MAX_SESSION_MEMORY_MB, H2_SESSION_WINDOW, H2_SETTINGS } from './h2-settings.js';
import { reportReady } from './report-ready.js';
import { spliceDuplex } from './splice-duplex.js';
import { BENCH_SERVER_NAME, tlsMaterial } from './tls-material.js';

const material = tlsMaterial(peerArg(0, 'certDir'));
const egress = parseHostPort(peerArg(1, 'egressHost:port'));
let session: ClientHttp2Session | undefined;

// Dialled by hand because a session's socket may not be touched once handed over, and the
// socket needs TCP_NODELAY like every other path's.
function dialEgress(): TLSSocket {
  const socket = tlsConnect({
    ...material,
    ...egress,
    servername: BENCH_SERVER_NAME,
    minVersion: 'TLSv1.3',
    ALPNProtocols: ['h2'],
  });
  socket.setNoDelay(true);
  return socket;
}

/** The shared session, redialled lazily after it closes. */
function currentSession(): ClientHttp2Session {
  if (session !== undefined && !session.closed && !session.destroyed) return session;
  const fresh = connect(`https://${egress.host}:${egress.port}`, {
    createConnection: dialEgress,
    settings: H2_SETTINGS,
    maxSessionMemory: H2_MAX_SESSION_MEMORY_MB,
    peerMaxConcurrentStreams: H2_SETTINGS.maxConcurrentStreams,
  });
  fresh.on('connect', () => fresh.setLocalWindowSize(H2_SESSION_WINDOW));
  fresh.on('error', () => undefined); // streams see the failure themselves; the next flow redials
  session = fresh;
  return fresh;
}

const server = createServer({ noDelay: true }, (socket) => {
  const stream = currentSession().request(
    { [constants.HTTP2_HEADER_METHOD]: 'CONNECT', [constants.HTTP2_HEADER_AUTHORITY]: 'target:0' },
    { endStream: false },
  );
  spliceDuplex(socket, stream);
});
server.listen(0, '127.0.0.1', () => reportReady(server));
