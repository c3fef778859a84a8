import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

/** A UDP client socket bound to loopback; closed by the caller. */
export async function udpClient(): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

/**
 * Sends `payload` to `port` and resolves with the first datagram back; resends every
 * `resendMs` (UDP may lose the first one while a session opens) up to `tries` times.
 */
export async function udpAsk(
  socket: Socket,
  host: string,
  port: number,
  payload: Buffer,
  { tries = 20, resendMs = 250 } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const send = (): void => {
      if (sent >= tries) {
        clearInterval(timer);
        socket.off('message', onMessage);
        reject(new Error(`no UDP answer from ${host}:${port} after ${tries} tries`));
        return;
      }
      sent += 1;
      socket.send(payload, port, host);
    };
    const onMessage = (reply: Buffer): void => {
      clearInterval(timer);
      socket.off('message', onMessage);
      resolve(reply);
    };
    socket.on('message', onMessage);
    const timer = setInterval(send, resendMs);
    send();
  });
}

/** A UDP echo server on loopback answering each datagram with `prefix` and the datagram. */
export async function startUdpEcho(prefix: string): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (m, from) =>
    socket.send(Buffer.concat([Buffer.from(prefix), m]), from.port, from.address),
  );
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { socket, port: socket.address().port };
}

/**
 * socat answering every UDP client with `answer`, the way the MCS conformance suite's hello Pods
 * answer with their hostname (`udp-l:<port>,fork system:hostname`).
 */
export function startSocatHello(
  host: string,
  port: number,
  answer: string,
  run: (argv: string[]) => ChildProcess = (argv) =>
    spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' }),
): ChildProcess {
  const child = run([
    'socat',
    '-T0.5',
    `UDP4-LISTEN:${port},bind=${host},reuseaddr,fork`,
    `SYSTEM:echo ${answer}`,
  ]);
  // Whether it listens yet is the caller's to find out: udpAsk resends until answered.
  return child;
}
