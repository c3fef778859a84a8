import { readFile } from 'node:fs/promises';
import { ApiClient } from '../api/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { SitePaths } from '../site-files/index.js';
import type { Logger } from '../observability/index.js';
import { ConsoleServer } from './console-server.js';

/** A console serving one site, and the link that opens it. */
export interface OpenConsole {
  server: ConsoleServer;
  port: number;
  /** `http://host:port/?token=…`: the one link a person needs. */
  url: string;
}

/**
 * Serves the console of the router of `paths` on `host:port`, reading everything through that
 * router's local API socket, as any other client of it does.
 */
export async function openConsole(
  paths: SitePaths,
  listen: { host: string; port: number },
  token: string,
  logger: Logger,
): Promise<OpenConsole> {
  const server = new ConsoleServer({ source: new ApiClient(paths), token, logger });
  const port = await server.listen(listen.host, listen.port);
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const shown = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  return { server, port, url: `http://${shown}:${port}/?token=${encodeURIComponent(token)}` };
}

/** Reads a token file (a mounted Secret, say); `field` names the setting in errors. */
export async function readConsoleToken(file: string, field: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `${field}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      { cause: err, hint: 'point it at a file holding the console token on one line' },
    );
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token))
    throw new CausewayError(ErrorCode.ConfigInvalid, `${field}: ${file} holds no usable token`, {
      hint: 'write at least 16 characters without spaces, e.g. `openssl rand -hex 24 > token`',
    });
  return token;
}
