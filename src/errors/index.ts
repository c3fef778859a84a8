export { CausewayError, ErrorCode, hasCode } from './causeway-error.js';
