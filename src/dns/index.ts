export { answerQuery } from './answer-query.js';
export { MAX_UDP_PAYLOAD, ResponseBuilder } from './response-builder.js';
export { answerMessage, type DnsTransport, type MessageAnswer } from './answer-message.js';
export {
  DEFAULT_ANSWER_OPTIONS,
  normalizeAnswerOptions,
  type AnswerOptions,
} from './answer-options.js';
export {
  DnsServer,
  type DnsLogger,
  type DnsServerAddress,
  type DnsServerOptions,
} from './dns-server.js';
export type { DnsStatsSnapshot } from './dns-stats.js';
export type { DnsServiceView, DnsView } from './dns-view.js';
export { DNS_SCHEMA_VERSION } from './lookup-records.js';
export { Rcode, rcodeName, type RcodeName } from './rcode.js';
export { decodeQuery, type DecodedQuery } from './decode-query.js';
export {
  CLASSIC_UDP_PAYLOAD,
  encodeForTcp,
  encodeForUdp,
  udpPayloadLimit,
  type EncodedResponse,
} from './encode-response.js';
export { encodeTcpFrame, TcpFrameReader } from './tcp-frame-reader.js';
export { isInZone, isValidName, withoutTrailingDot } from './dns-name.js';
