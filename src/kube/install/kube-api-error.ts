import { ApiException } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../../errors/index.js';

/** HTTP status of a failed API call, when the API server answered at all. */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** The API server's own words (`Status.message`) when it sent them, else the error's message. */
function serverMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeParse(err.body) : err.body;
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return `${err.code} ${body.message}`;
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Turns a client error into one that names the context and what was being done, so a user with
 * three clusters knows which one said no and why (unreachable, forbidden, invalid object).
 */
export function kubeApiError(context: string, doing: string, err: unknown): CausewayError {
  const status = apiStatus(err);
  const hint =
    status === undefined
      ? `is the API server of context ${context} reachable? check the server address and credentials in your kubeconfig`
      : status === 401 || status === 403
        ? `the credentials of context ${context} may not ${doing}; use an account with cluster-admin rights to install Causeway`
        : undefined;
  return new CausewayError(ErrorCode.KubeApiFailed, `context ${context}: cannot ${doing}: ${serverMessage(err)}`, { cause: err, ...(hint === undefined ? {} : { hint }) });
}
