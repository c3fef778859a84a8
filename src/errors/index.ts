// The errors area: CausewayError, its stable codes, and how each code shows on the wire (exit code,
// HTTP status, DNS rcode). Imports nothing of the project: every other area may import it.
export { CausewayError, ErrorCode, errorCodeOf, hasCode, isErrorCode } from './causeway-error.js';
export { listenerFailure } from './listener-failure.js';
export { ERROR_WIRE, ExitCode, WireRcode, wireForm, type WireForm } from './error-wire.js';
