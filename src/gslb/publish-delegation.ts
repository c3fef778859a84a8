import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeTcpFrame, TcpFrameReader } from '../dns/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { backoffDelay } from '../link/index.js';
import type { DelegationRecord } from './delegation-records.js';
import { readUpdateResponse, signedUpdate } from './dns-update.js';
import type { TsigKey } from './tsig-key.js';

export interface PublishOptions {
  parentZone: string;
  server: { host: string; port: number };
  key: TsigKey;
  records: readonly DelegationRecord[];
  /** Attempts before giving up; a refused key is retried too (the operator may be installing it). */
  attempts: number;
  timeoutMs?: number;
  /** Told of each failed attempt before the back-off, so the user sees progress. */
  onRetry?: (attempt: number, err: CausewayError, delayMs: number) => void;
}

// RFC 1035 §4.1.1 and RFC 8945 §5.2: what the parent's answer means, for the message.
const RCODES: Record<number, string> = {
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};
const TSIG_ERRORS: Record<number, string> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

/** Sends the delegation to the parent's primary by signed dynamic update over TCP, retrying with back-off. */
export async function publishDelegation(options: PublishOptions): Promise<{ attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publishOnce(options);
      return { attempts: attempt };
    } catch (err) {
      const error =
        err instanceof CausewayError
          ? err
          : new CausewayError(ErrorCode.DelegationFailed, String(err), { cause: err });
      if (attempt >= options.attempts) throw error;
      const delayMs = backoffDelay(attempt, 500, 8_000);
      options.onRetry?.(attempt, error, delayMs);
      await sleep(delayMs);
    }
  }
}

async function publishOnce(options: PublishOptions): Promise<void> {
  const request = signedUpdate(
    options.parentZone,
    options.records,
    options.key,
    randomInt(0, 0x10000),
    Date.now() / 1000,
  );
  const reply = await exchange(options.server, request.bytes, options.timeoutMs ?? 5_000);
  const response = readUpdateResponse(reply, request, options.key);
  const where = `${options.server.host}:${options.server.port}`;
  if (response.kind === 'malformed')
    throw new CausewayError(
      ErrorCode.DelegationFailed,
      `the parent server ${where} sent a malformed response: ${response.reason}`,
    );
  if (response.id !== request.id)
    throw new CausewayError(
      ErrorCode.DelegationFailed,
      `the parent server ${where} answered another message (id ${response.id})`,
    );
  const tsig =
    response.tsigError === undefined || response.tsigError === 0
      ? undefined
      : (TSIG_ERRORS[response.tsigError] ?? `TSIG error ${response.tsigError}`);
  if (tsig !== undefined || response.rcode === 9) {
    throw new CausewayError(
      ErrorCode.DelegationRefused,
      `the parent server ${where} refused the TSIG key ${options.key.name} (${[RCODES[response.rcode], tsig].filter(Boolean).join(', ')})`,
      {
        hint:
          tsig === 'BADTIME'
            ? 'the clocks differ by more than 5 minutes: fix NTP on one side'
            : `check that ${where} holds key ${options.key.name} (${options.key.algorithm}) with this secret and allows it to update ${options.parentZone}`,
      },
    );
  }
  if (response.rcode === 5) {
    throw new CausewayError(
      ErrorCode.DelegationRefused,
      `the parent server ${where} refused the update of ${options.parentZone} (REFUSED)`,
      {
        hint: `allow key ${options.key.name} to update ${options.parentZone} there (an update ACL)`,
      },
    );
  }
  if (response.rcode !== 0)
    throw new CausewayError(
      ErrorCode.DelegationFailed,
      `the parent server ${where} answered ${RCODES[response.rcode] ?? `rcode ${response.rcode}`}`,
      { hint: `is ${options.parentZone} a zone that ${where} is primary for?` },
    );
  if (response.signed !== 'valid')
    throw new CausewayError(
      ErrorCode.DelegationFailed,
      `the parent server ${where} accepted the update but its answer is ${response.signed === 'absent' ? 'not signed' : 'signed with a wrong MAC'}`,
      { hint: 'check the records with dig; a middlebox may be answering for the server' },
    );
}

/** One DNS message over TCP (RFC 1035 §4.2.2 framing); the connection is closed after the answer. */
function exchange(
  server: { host: string; port: number },
  message: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const reader = new TcpFrameReader();
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new CausewayError(
          ErrorCode.DelegationFailed,
          `cannot reach the parent server ${server.host}:${server.port} (${why})`,
          { hint: 'pass its primary with --server host:port' },
        ),
      );
    };
    socket.setTimeout(timeoutMs, () => fail('timed out'));
    socket.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.on('connect', () => socket.write(encodeTcpFrame(message)));
    socket.on('data', (chunk: Buffer) => {
      const [reply] = reader.push(chunk);
      if (reply === undefined) return;
      socket.end();
      resolve(Buffer.from(reply));
    });
    socket.on('end', () => fail('closed without an answer'));
  });
}
