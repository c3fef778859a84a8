import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sitePaths } from '../config/index.js';
import { CausewayError, ErrorCode, isErrorCode } from '../errors/index.js';
import { ApiClient } from './api-client.js';

/** A server on the API socket that answers every request with `next` (status and body). */
describe("ApiClient: a refusal keeps the router's code and hint", () => {
  let dir: string;
  let server: Server;
  let next = { status: 500, body: '' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-api-'));
    server = createServer((_req, res) => {
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(sitePaths(dir).apiSocket, () => resolve()));
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function refusal(status: number, body: string): Promise<CausewayError> {
    next = { status, body };
    const err = await new ApiClient(sitePaths(dir)).reload().then(
      () => assert.fail('the refusal resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CausewayError);
    return err;
  }

  it('takes the code and hint the router raised', async () => {
    for (const code of [
      ErrorCode.ConfigInvalid,
      ErrorCode.LeaseContended,
      ErrorCode.TokenExpired,
      ErrorCode.Internal,
    ]) {
      const err = await refusal(500, JSON.stringify({ error: 'why', code, hint: 'do this' }));
      assert.equal(err.code, code);
      assert.equal(err.message, 'router refused POST /v1/reload: why');
      assert.equal(err.hint, 'do this');
    }
  });

  it('an answer without a code of ours is bad input, with the text as the reason', async () => {
    assert.equal(
      (await refusal(404, JSON.stringify({ error: 'no route POST /v1/reload' }))).code,
      ErrorCode.InputInvalid,
    );
    const other = await refusal(500, JSON.stringify({ error: 'x', code: 'CW_NOT_OURS' }));
    assert.equal(other.code, ErrorCode.InputInvalid);
    assert.match((await refusal(502, 'not json')).message, /not json$/);
  });

  it('any answer body yields one CausewayError with a stable code (property)', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          error: fc.oneof(fc.string(), fc.integer()),
          code: fc.oneof(
            fc.constantFrom(...Object.values(ErrorCode)),
            fc.string(),
            fc.constant(null),
          ),
          hint: fc.oneof(fc.string(), fc.constant(undefined)),
        })
        .map((b) => JSON.stringify(b)),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 400, max: 599 }), bodies, async (status, body) => {
        const err = await refusal(status, body);
        assert.ok(isErrorCode(err.code));
      }),
      { numRuns: 150 },
    );
  });
});
