export { CausewayError, ErrorCode, hasCode, isErrorCode } from './causeway-error.js';
