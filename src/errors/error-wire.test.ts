import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CausewayError, ErrorCode } from './causeway-error.js';
import { ERROR_WIRE, ExitCode, WireRcode, wireForm } from './error-wire.js';

/** What each code must be on each wire, written out by hand so a change to the table is a change here too. */
const EXPECTED: Record<ErrorCode, [exit: number, http: number, rcode?: number]> = {
  CW_CONFIG_INVALID: [2, 422],
  CW_CONFIG_MISSING: [2, 404],
  CW_SITE_EXISTS: [2, 409],
  CW_SITE_LOCKED: [1, 409],
  CW_ROUTER_NOT_RUNNING: [3, 503],
  CW_CONSOLE_TOKEN_REFUSED: [4, 401],
  CW_TOKEN_MALFORMED: [2, 400],
  CW_TOKEN_UNKNOWN: [4, 403],
  CW_TOKEN_EXPIRED: [4, 403],
  CW_TOKEN_USED_UP: [4, 403],
  CW_TOKEN_FORGED: [4, 403],
  CW_TOKEN_OTHER_CLUSTERSET: [4, 403],
  CW_TOKEN_PEER_MISMATCH: [4, 403],
  CW_LINK_REDEEM_FAILED: [4, 502],
  CW_LINK_EXISTS: [1, 409],
  CW_LINK_UNKNOWN: [1, 404],
  CW_LINK_REMOVED: [1, 410],
  CW_ADVERT_SIGNATURE: [1, 502],
  CW_CONTROL_SIGNATURE: [1, 502],
  CW_SITE_REVOKED: [4, 403],
  CW_FRAME_MALFORMED: [1, 400, 1],
  CW_FRAME_TOO_LARGE: [1, 413, 1],
  CW_PROTOCOL_VERSION: [1, 400, 16],
  CW_PEER_IDENTITY: [1, 403, 5],
  CW_SERVICE_UNKNOWN: [2, 404, 3],
  CW_NO_ENDPOINT: [1, 503, 2],
  CW_VIP_POOL_EXHAUSTED: [1, 503],
  CW_CIDR_POOL_EXHAUSTED: [2, 422],
  CW_NETWORK_CHANGED: [1, 409],
  CW_BACKEND_UNREACHABLE: [1, 502, 2],
  CW_INPUT_INVALID: [2, 400, 1],
  CW_TIMEOUT: [1, 504, 2],
  CW_LEASE_STORE_INVALID: [1, 502],
  CW_LEASE_CONTENDED: [1, 409],
  CW_KUBE_CONFIG_INVALID: [2, 400],
  CW_KUBE_API_FAILED: [1, 502],
  CW_KUBE_CRD_INCOMPATIBLE: [4, 409],
  CW_KUBE_IMAGE_UNAVAILABLE: [2, 424],
  CW_KUBE_ROUTER_NOT_READY: [1, 503],
  CW_KUBE_CLUSTER_ID_MISMATCH: [2, 409],
  CW_KUBE_NOT_INSTALLED: [2, 404],
  CW_KUBE_SITE_MISMATCH: [4, 409],
  CW_KUBE_COREDNS_MISSING: [1, 404],
  CW_FLOW_RESET: [1, 502],
  CW_UPSTREAM_FAILED: [1, 502, 2],
  CW_WRITER_UNREACHABLE: [1, 503],
  CW_DELEGATION_REFUSED: [4, 502],
  CW_DELEGATION_FAILED: [1, 502],
  CW_DRILL_REFUSED: [4, 403],
  CW_INTERNAL: [1, 500, 2],
};

describe('error wire table', () => {
  it('has exactly one row per error code', () => {
    assert.deepEqual(Object.keys(ERROR_WIRE).sort(), Object.values(ErrorCode).sort());
  });

  for (const code of Object.values(ErrorCode)) {
    it(`maps ${code} to its exit code, HTTP status and DNS rcode`, () => {
      const [exit, http, rcode] = EXPECTED[code];
      const form = wireForm(new CausewayError(code, 'x'));
      assert.deepEqual(form, rcode === undefined ? { exit, http } : { exit, http, rcode });
      assert.deepEqual(wireForm(code), form, 'the code and an error with it answer alike');
      assert.ok(Object.values(ExitCode).includes(form.exit));
      assert.ok(form.http >= 400 && form.http <= 599, 'an error is never a 2xx or 3xx');
      if (form.rcode !== undefined) assert.ok(Object.values(WireRcode).includes(form.rcode));
    });
  }

  it('answers an unexpected error or an unknown code as CW_INTERNAL', () => {
    for (const value of [
      new Error('boom'),
      'CW_NOT_A_CODE',
      undefined,
      42,
      { code: 'CW_TIMEOUT' },
    ]) {
      assert.deepEqual(wireForm(value), ERROR_WIRE[ErrorCode.Internal]);
    }
  });
});
