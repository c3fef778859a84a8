import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CausewayError, ErrorCode, hasCode } from '../errors/index.js';
import { callLeaseStore } from './lease-store-call.js';

const unreachable = (cause: unknown): CausewayError =>
  new CausewayError(ErrorCode.BackendUnreachable, 'store request failed', { cause });

describe('callLeaseStore', () => {
  it('answers what the request answers', async () => {
    assert.equal(await callLeaseStore(async () => 7, unreachable), 7);
  });

  it("turns a client's failure into the backend's typed error, keeping the cause", async () => {
    const cause = new Error('ECONNREFUSED');
    await assert.rejects(
      callLeaseStore(() => Promise.reject(cause), unreachable),
      (err: unknown) =>
        hasCode(err, ErrorCode.BackendUnreachable) && (err as CausewayError).cause === cause,
    );
  });

  it('passes our own typed errors through untouched', async () => {
    const own = new CausewayError(ErrorCode.LeaseStoreInvalid, 'lease ledger is malformed');
    await assert.rejects(
      callLeaseStore(() => Promise.reject(own), unreachable),
      (err: unknown) => err === own,
    );
  });
});
