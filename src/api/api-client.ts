import { request } from 'node:http';
import { connect } from 'node:net';
import { CausewayError, ErrorCode, isErrorCode } from '../errors/index.js';
import { readStateFile, type SitePaths } from '../site-files/index.js';
import type {
  CostGrouping,
  CostReport,
  DrillReport,
  DrillView,
  RuntimeInfo,
  ServicesSnapshot,
  StatusReport,
  TrafficReport,
} from './api-types.js';

/** Talks to a running router through its unix socket. */
export class ApiClient {
  constructor(private readonly paths: SitePaths) {}

  /**
   * The runtime file of a live router, or undefined when none runs for this site.
   * Liveness is the API socket accepting a connection, not the pid in the file: a router killed
   * with SIGKILL leaves runtime.json behind, and in a container its successor is pid 1 again, so
   * the recorded pid names a live process (the successor itself) although no router answers.
   */
  async runtime(): Promise<RuntimeInfo | undefined> {
    // Whatever keeps the file from naming a router (absent, unreadable, torn) means none to talk to.
    const read = await readStateFile(this.paths.runtime, (raw) => raw);
    if (read.kind !== 'ok') return undefined;
    const info = parseRuntime(read.text);
    if (info === undefined) return undefined;
    return (await socketAnswers(this.paths.apiSocket)) ? info : undefined;
  }

  status(): Promise<StatusReport> {
    return this.call<StatusReport>('GET', '/v1/status');
  }

  /** What this site's clients' flows cost over the last `sinceMs`, grouped by service or zone pair. */
  cost(by: CostGrouping, sinceMs: number): Promise<CostReport> {
    return this.call<CostReport>('GET', `/v1/cost?by=${by}&sinceMs=${sinceMs}`);
  }

  /** One snapshot of the merged clusterset as this site sees it. */
  services(): Promise<ServicesSnapshot> {
    return this.call<string>('GET', '/v1/services', true).then(
      (text) => JSON.parse(text) as ServicesSnapshot,
    );
  }

  /**
   * Streams clusterset snapshots (`/v1/services?watch=1`): the current one, then one per change.
   * Resolves when the router closes the stream (it stopped) or `signal` aborts; rejects when no
   * router answers.
   */
  watchServices(
    onSnapshot: (snapshot: ServicesSnapshot) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.paths.apiSocket, method: 'GET', path: '/v1/services?watch=1', signal },
        (res) => {
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            for (let cut = pending.indexOf('\n'); cut >= 0; cut = pending.indexOf('\n')) {
              const line = pending.slice(0, cut);
              pending = pending.slice(cut + 1);
              if (line.length > 0) onSnapshot(JSON.parse(line) as ServicesSnapshot);
            }
          });
          res.on('end', () => resolve());
          res.on('error', () => resolve());
          res.on('close', () => resolve());
        },
      );
      req.on('error', (err) => {
        if (signal.aborted) resolve();
        else
          reject(
            new CausewayError(
              ErrorCode.RouterNotRunning,
              `the router of ${this.paths.dir} is not running (${(err as NodeJS.ErrnoException).code ?? err.message})`,
              { cause: err },
            ),
          );
      });
      req.end();
    });
  }

  /** The router's recent flows over the last `rangeSeconds` (clamped to what its ring keeps). */
  traffic(rangeSeconds: number): Promise<TrafficReport> {
    return this.call<TrafficReport>('GET', `/v1/traffic?rangeSeconds=${rangeSeconds}`);
  }

  async reload(): Promise<void> {
    await this.call('POST', '/v1/reload');
  }

  drain(timeoutMs: number): Promise<{ remaining: number; waitedMs: number }> {
    return this.call('POST', `/v1/drain?timeoutMs=${timeoutMs}`, false, timeoutMs + 10_000);
  }

  /** Hands a signed drill message (start or stop) to the router, which checks and floods it. */
  submitDrill(message: unknown): Promise<DrillView> {
    return this.call('POST', '/v1/drills', false, 10_000, JSON.stringify(message));
  }

  drills(): Promise<DrillView[]> {
    return this.call('GET', '/v1/drills');
  }

  /** What this site saw during drill `id` (default: the newest one). */
  drillReport(id?: string): Promise<DrillReport> {
    const query = id === undefined ? '' : `?id=${encodeURIComponent(id)}`;
    return this.call('GET', `/v1/drills/report${query}`);
  }

  metrics(): Promise<string> {
    return this.call<string>('GET', '/metrics', true);
  }

  private call<T>(
    method: string,
    path: string,
    raw = false,
    timeoutMs = 10_000,
    body?: string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.paths.apiSocket, method, path, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 400) {
              const body = safeJson(text) as
                { error?: string; code?: unknown; hint?: string } | undefined;
              // The router's code comes back as it was raised, so the CLI exits as if it had raised it itself.
              const code = isErrorCode(body?.code) ? body.code : ErrorCode.InputInvalid;
              reject(
                new CausewayError(
                  code,
                  `router refused ${method} ${path}: ${body?.error ?? text}`,
                  body?.hint === undefined ? {} : { hint: body.hint },
                ),
              );
              return;
            }
            resolve((raw ? text : safeJson(text)) as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('router API timed out')));
      req.on('error', (err) =>
        reject(
          new CausewayError(
            ErrorCode.RouterNotRunning,
            `the router of ${this.paths.dir} is not running (${(err as NodeJS.ErrnoException).code ?? err.message})`,
            {
              cause: err,
              hint: `start it with \`causeway site run --dir ${this.paths.dir}\``,
            },
          ),
        ),
      );
      req.end(body);
    });
  }
}

/** How long a connect to the API socket may take before the router counts as not running. */
const SOCKET_PROBE_MS = 2_000;

/** Whether something accepts connections on the unix socket (a stale socket file refuses them). */
function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath });
    const done = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), SOCKET_PROBE_MS);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function parseRuntime(text: string): RuntimeInfo | undefined {
  const info = safeJson(text) as Partial<RuntimeInfo> | undefined;
  if (
    typeof info !== 'object' ||
    info === null ||
    typeof info.pid !== 'number' ||
    typeof info.siteId !== 'string'
  )
    return undefined;
  return info as RuntimeInfo;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
