import { connect, type Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { wireForm } from '../../errors/index.js';
import { parseHostPort } from '../../config/index.js';
import type { Endpoint } from '../../services/index.js';
import { bridgeFlow, pipeSockets, type FlowOutcome } from '../../transport/index.js';
import type { ErrorBody } from './http-forward.js';
import type { FlowOpener } from './http-upstreams.js';

export interface TunnelOptions {
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  onDone: (outcome: FlowOutcome) => void;
}

/**
 * After `Upgrade` or `CONNECT` the connection stops being HTTP: the request head goes to the
 * chosen endpoint as it came (the backend answers 101 or 200 itself) and from then on bytes are
 * piped both ways untouched, as a TCP flow. False when no flow could be opened.
 */
export function openTunnel(
  client: Socket,
  requestHead: string,
  buffered: Buffer,
  endpoint: Endpoint,
  openFlow: FlowOpener,
  options: TunnelOptions,
): boolean {
  if (endpoint.kind === 'local') {
    const { host, port } = parseHostPort(endpoint.target.to, 'exports.to');
    const backend = connect({ host, port, allowHalfOpen: true, noDelay: true });
    backend.setTimeout(options.connectTimeoutMs, () =>
      backend.destroy(new Error('connect timeout')),
    );
    backend.once('connect', () => backend.setTimeout(0));
    backend.write(requestHead);
    if (buffered.length > 0) backend.write(buffered);
    pipeSockets(client, backend, options.onDone);
    return true;
  }
  const stream = openFlow(endpoint.site);
  if (stream === undefined) return false;
  stream.write(Buffer.from(requestHead, 'latin1'));
  if (buffered.length > 0) stream.write(buffered);
  bridgeFlow(client, stream, { idleTimeoutMs: options.idleTimeoutMs, onDone: options.onDone });
  return true;
}

/** A refusal written straight on a socket that has left HTTP handling (upgrade, CONNECT). */
export function refuseTunnel(
  client: Socket,
  body: ErrorBody,
  headers: Record<string, string> = {},
): void {
  const status = wireForm(body.error).http;
  const reason = STATUS_CODES[status] ?? 'Error';
  const text = `${JSON.stringify(body)}\n`;
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  client.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}connection: close\r\n\r\n${text}`,
  );
}
