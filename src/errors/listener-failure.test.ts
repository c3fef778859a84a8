import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CausewayError, ErrorCode } from './causeway-error.js';
import { listenerFailure } from './listener-failure.js';

const system = (code: string, message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code });

describe('listenerFailure', () => {
  it('names the setting, the address, the reason and a fix for each common bind error', () => {
    for (const [code, fix] of [
      ['EADDRINUSE', /another process holds 127\.0\.0\.1:53.*dns\.listen in \/s\/site\.yaml/],
      ['EADDRNOTAVAIL', /not an address of this host/],
      ['EACCES', /below 1024/],
      ['EINVAL', /an address this host can listen on/],
    ] as const) {
      const err = listenerFailure(
        'dns.listen',
        '127.0.0.1:53',
        system(code, `listen ${code}: whatever`),
        'in /s/site.yaml',
      );
      assert.equal(err.code, ErrorCode.ConfigInvalid);
      assert.match(
        err.message,
        new RegExp(`^dns\\.listen: cannot listen on 127\\.0\\.0\\.1:53 \\(${code}`),
      );
      assert.match(err.hint ?? '', fix);
    }
  });

  it('passes through typed errors that are not about the config', () => {
    const other = new CausewayError(ErrorCode.Timeout, 'slow');
    assert.equal(listenerFailure('link.listen', 'x:1', other, ''), other);
  });
});
