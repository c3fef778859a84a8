import { Agent } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseHostPort } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { Endpoint } from '../../services/index.js';
import { MuxDuplex, type MuxStream } from '../../transport/index.js';

/** Opens a flow to `site` for the import's service port (undefined when no route). */
export type FlowOpener = (site: string) => MuxStream | undefined;

/**
 * Idle keep-alive connections are retired after this, below the 5 s a Node backend keeps them:
 * reusing a connection the backend is closing is how a proxied request dies before it starts.
 */
const IDLE_UPSTREAM_MS = 4_000;

/**
 * One keep-alive `http.Agent` per destination of an HTTP import: a local backend (plain TCP)
 * or another site (each connection a Causeway flow). The choice of destination is made per
 * request before an agent is picked, so an agent never decides where a request goes.
 */
export class HttpUpstreams {
  readonly #agents = new Map<string, Agent>();

  constructor(private readonly connectTimeoutMs: () => number) {}

  /** The agent for `endpoint`; `openFlow` is used only for a remote site. */
  agentFor(key: string, endpoint: Endpoint, openFlow: FlowOpener): Agent {
    const id =
      endpoint.kind === 'local' ? `${key}/local/${endpoint.target.to}` : `${key}/${endpoint.site}`;
    let agent = this.#agents.get(id);
    if (agent === undefined) {
      agent =
        endpoint.kind === 'local'
          ? this.#localAgent(endpoint.target.to)
          : remoteAgent(endpoint.site, openFlow);
      this.#agents.set(id, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #localAgent(to: string): Agent {
    const { host, port } = parseHostPort(to, 'exports.to');
    const connectTimeoutMs = this.connectTimeoutMs;
    const agent = new Agent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS });
    agent.createConnection = (): Duplex => {
      const socket = connect({ host, port, noDelay: true });
      socket.setTimeout(connectTimeoutMs(), () =>
        socket.destroy(
          new CausewayError(
            ErrorCode.Timeout,
            `backend ${to} did not accept in ${connectTimeoutMs()} ms`,
          ),
        ),
      );
      socket.once('connect', () => socket.setTimeout(0));
      return socket;
    };
    return agent;
  }
}

function remoteAgent(site: string, openFlow: FlowOpener): Agent {
  const agent = new Agent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS });
  agent.createConnection = (_options, oncreate): Duplex | undefined => {
    const stream = openFlow(site);
    if (stream === undefined) {
      oncreate?.(
        new CausewayError(ErrorCode.NoEndpoint, `no route to site ${site}`),
        undefined as unknown as Duplex,
      );
      return undefined;
    }
    return new MuxDuplex(stream);
  };
  return agent;
}
