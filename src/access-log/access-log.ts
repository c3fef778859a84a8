import { createWriteStream, type WriteStream } from 'node:fs';
import type { AccessLogConfig } from '../config/index.js';
import { subscribeEvent, type Logger } from '../observability/index.js';
import { alwaysLogged, flowLine, requestLine, type AccessLogLine } from './access-log-line.js';

export interface AccessLogDeps {
  site: string;
  config(): AccessLogConfig;
  random(): number;
  logger: Logger;
}

/**
 * A site's access log: one JSON line per finished flow (each side that saw it) and per HTTP
 * request, to stdout or appended to a file, every one or a sampled share. Reads the config at each
 * line, so a reload turns it on, off or elsewhere; a file is reopened only when its path changes.
 */
export class AccessLog {
  private out: { to: string; stream: WriteStream | null } | undefined;
  private readonly stops: Array<() => void>;

  constructor(private readonly deps: AccessLogDeps) {
    this.stops = [
      subscribeEvent('flowClose', (e) => {
        if (e.site === deps.site) this.write(flowLine(e));
      }),
      subscribeEvent('httpRequest', (e) => {
        if (e.site === deps.site) this.write(requestLine(e));
      }),
    ];
  }

  stop(): void {
    for (const stop of this.stops) stop();
    this.out?.stream?.end();
    this.out = undefined;
  }

  private write(line: AccessLogLine): void {
    const { to, sample } = this.deps.config();
    if (to === undefined) return this.close();
    if (!alwaysLogged(line) && sample < 1 && this.deps.random() >= sample) return;
    const text = `${JSON.stringify(line)}\n`;
    if (to === 'stdout') {
      this.close();
      process.stdout.write(text);
      return;
    }
    this.streamTo(to).write(text);
  }

  private streamTo(file: string): WriteStream {
    if (this.out?.to === file && this.out.stream !== null) return this.out.stream;
    this.close();
    const stream = createWriteStream(file, { flags: 'a', mode: 0o640 });
    // A log that cannot be written must not take the router down; it says so once per open.
    stream.once('error', (err) => {
      this.deps.logger.error({ err, file }, 'access log cannot be written');
      if (this.out?.stream === stream) this.out = undefined;
    });
    this.out = { to: file, stream };
    return stream;
  }

  private close(): void {
    this.out?.stream?.end();
    this.out = undefined;
  }
}
