import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { KubeList, KubeObject } from './kube-objects.js';

/** An API server answer that is not a success; `status` is the HTTP status (0: no answer at all). */
export class KubeApiError extends CausewayError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    cause?: unknown,
  ) {
    super(ErrorCode.KubeApiFailed, message, cause === undefined ? {} : { cause });
    this.name = 'KubeApiError';
  }
}

/** True for "the object is not there" (HTTP 404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

/** True for "someone changed or created it first" (409): worth a retry after re-reading. */
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}

/** The field manager of every server-side apply, so `managedFields` names who owns what. */
export const FIELD_MANAGER = 'causeway-controller';

/**
 * A small REST client for the few verbs the controller uses, over keep-alive connections with the
 * kubeconfig's credentials. Server-side apply makes writes idempotent (create or update in one call,
 * no resourceVersion races); merge patches update status and single fields.
 */
export class KubeRest {
  private readonly base: URL;
  private agent: HttpAgent | undefined;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (cluster === null)
      throw new CausewayError(ErrorCode.KubeConfigInvalid, 'the kubeconfig has no current cluster');
    this.base = new URL(cluster.server);
  }

  /**
   * Credentials for one request. client-node puts a fresh agent (so a fresh TLS handshake) on
   * every call; only its headers are taken per request (tokens rotate), while the TLS material
   * goes once into one keep-alive agent: at 1,000 services that is the difference between
   * thousands of handshakes and a few pooled connections.
   */
  private async credentials(): Promise<{ agent: HttpAgent; headers: Record<string, string> }> {
    const scratch: RequestOptions & { headers: Record<string, string> } = { headers: {} };
    await this.kc.applyToHTTPSOptions(scratch);
    if (this.agent === undefined) {
      const tls = scratch as unknown as Record<string, unknown>;
      const pick = (key: string): Record<string, unknown> =>
        tls[key] === undefined ? {} : { [key]: tls[key] };
      const options = {
        keepAlive: true,
        maxSockets: 32,
        ...pick('ca'),
        ...pick('cert'),
        ...pick('key'),
        ...pick('pfx'),
        ...pick('passphrase'),
        ...pick('rejectUnauthorized'),
        ...pick('servername'),
      };
      this.agent =
        this.base.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(scratch.headers)) if (typeof v === 'string') headers[k] = v;
    return { agent: this.agent, headers };
  }

  get server(): string {
    return this.base.toString();
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.call<T>('GET', path);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list<T extends KubeObject>(
    path: string,
    query: Record<string, string> = {},
  ): Promise<KubeList<T>> {
    return this.call<KubeList<T>>('GET', withQuery(path, query));
  }

  create<T extends KubeObject>(collection: string, body: T): Promise<T> {
    return this.call<T>('POST', collection, body);
  }

  replace<T extends KubeObject>(path: string, body: T): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  /** Server-side apply of the fields in `body` (which must carry apiVersion, kind and metadata.name). */
  apply<T extends KubeObject>(path: string, body: T): Promise<T> {
    return this.call<T>(
      'PATCH',
      withQuery(path, { fieldManager: FIELD_MANAGER, force: 'true' }),
      body,
      'application/apply-patch+yaml',
    );
  }

  /** JSON merge patch (RFC 7386): `null` removes a field. */
  mergePatch<T extends KubeObject>(path: string, patch: unknown): Promise<T> {
    return this.call<T>(
      'PATCH',
      withQuery(path, { fieldManager: FIELD_MANAGER }),
      patch,
      'application/merge-patch+json',
    );
  }

  /** Deletes the object; one already gone counts as deleted. */
  async remove(path: string): Promise<void> {
    try {
      await this.call('DELETE', path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  close(): void {
    this.agent?.destroy();
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const url = new URL(path, this.base);
    const { agent, headers } = await this.credentials();
    const options: RequestOptions & { headers: Record<string, string> } = {
      method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      path: `${this.base.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`,
      headers: { ...headers, accept: 'application/json' },
      agent,
      timeout: 30_000,
    };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      options.headers['content-type'] = contentType;
      options.headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<T>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) =>
          reject(
            new KubeApiError(0, 'ConnectionLost', `${method} ${url.pathname}: ${err.message}`, err),
          ),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve((text === '' ? undefined : JSON.parse(text)) as T);
            return;
          }
          const problem = parseStatus(text);
          reject(
            new KubeApiError(
              status,
              problem.reason,
              `${method} ${url.pathname}: ${status} ${problem.message}`,
            ),
          );
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
      req.on('error', (err) =>
        reject(
          new KubeApiError(
            0,
            'Unreachable',
            `${method} ${url.pathname}: API server ${this.base.host} unreachable (${(err as NodeJS.ErrnoException).code ?? err.message})`,
            err,
          ),
        ),
      );
      req.end(payload);
    });
  }
}

function withQuery(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/** A metav1.Status body's reason and message, or the raw text when the server sent something else. */
function parseStatus(text: string): { reason: string; message: string } {
  try {
    const body = JSON.parse(text) as { reason?: string; message?: string };
    return { reason: body.reason ?? 'Unknown', message: body.message ?? text };
  } catch {
    return { reason: 'Unknown', message: text.slice(0, 500) };
  }
}
