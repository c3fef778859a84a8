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
    if (
      typeof body === 'object' &&
      body !== null &&
      'message' in body &&
      typeof body.message === 'string'
    )
      return `${err.code} ${body.message}`;
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
  const message = serverMessage(err);
  const hint = hintFor(apiStatus(err), message, context, doing);
  return new CausewayError(
    ErrorCode.KubeApiFailed,
    `context ${context}: cannot ${doing}: ${message}`,
    { cause: err, ...(hint === undefined ? {} : { hint }) },
  );
}

function hintFor(
  status: number | undefined,
  message: string,
  context: string,
  doing: string,
): string | undefined {
  if (status === undefined)
    return `is the API server of context ${context} reachable? check the server address and credentials in your kubeconfig`;
  // A namespace being deleted answers 403 too, though no credential is at fault.
  if (/being terminated/.test(message))
    return 'the namespace is still being deleted (by an earlier uninstall); run again once it is gone';
  if (status === 401 || status === 403)
    return `the credentials of context ${context} may not ${doing}; use an account with cluster-admin rights to install Causeway`;
  return undefined;
}
