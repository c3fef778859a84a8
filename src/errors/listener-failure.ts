import { CausewayError, ErrorCode } from './causeway-error.js';

/**
 * A listener that could not bind, as the user fixes it: the setting that asked for it, the
 * address, the system's reason, and what to change. Start-up and reload stop on one of these.
 */
export function listenerFailure(
  setting: string,
  address: string,
  err: unknown,
  where: string,
): CausewayError {
  if (err instanceof CausewayError && err.code !== ErrorCode.ConfigInvalid) return err;
  // A listener that already explains itself (DNS names its protocol) keeps its words.
  const explained = err instanceof CausewayError;
  const code = ((explained ? err.cause : err) as NodeJS.ErrnoException | undefined)?.code;
  const detail =
    code === undefined
      ? (err as Error).message
      : `${code}: ${(err as Error).message.replace(/^.*?: /, '')}`;
  const what = explained ? (err as Error).message : `cannot listen on ${address} (${detail})`;
  const fix =
    code === 'EADDRINUSE'
      ? `another process holds ${address}: stop it, or set ${setting} ${where} to a free address (port 0 picks one)`
      : code === 'EADDRNOTAVAIL'
        ? `${address} is not an address of this host: set ${setting} ${where} to one of its addresses`
        : code === 'EACCES'
          ? `ports below 1024 need privileges: run as root, or set ${setting} ${where} to a port from 1024 up`
          : `set ${setting} ${where} to an address this host can listen on`;
  return new CausewayError(ErrorCode.ConfigInvalid, `${setting}: ${what}`, {
    cause: err,
    hint: fix,
  });
}
