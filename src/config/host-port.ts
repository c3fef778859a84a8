import { CausewayError, ErrorCode } from '../errors/index.js';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port` / `[v6]:port`; the error names the flag or field it came from. */
export function parseHostPort(text: string, field = 'address', allowZeroPort = false): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !(port <= 65535 && (port >= 1 || (allowZeroPort && port === 0)))) {
    throw new CausewayError(ErrorCode.InputInvalid, `${field}: "${text}" is not host:port`, {
      hint: `write it as 127.0.0.1:9000, [::1]:9000 or host.example:9000${allowZeroPort ? ' (port 0 picks a free port)' : ''}`,
    });
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
