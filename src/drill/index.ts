// The drill area: failure drills staged by the links themselves. Owns the signed drill messages
// (start and stop, signed with the clusterset CA key), the book of drills in force with a
// deadline timer each (kept in drills.json across restarts), what they do to the links (cut,
// delay, loss), their flooding and the report of what this site saw. May import errors/,
// runtime/, site-files/, observability/, link/ (the impairment type) and api/ (shapes); never
// membership/, routing/, flow/ or router/: the router hands it what it needs.
export {
  DRILL_KINDS,
  MAX_ADDED_MS,
  MAX_DRILL_MS,
  decodeDrillMessage,
  encodeDrillMessage,
  isDrillControl,
  type DrillKind,
  type DrillMessage,
  type DrillStart,
  type DrillStop,
  type UnsignedDrillMessage,
} from './drill-message.js';
export {
  signDrill,
  verifyDrill,
  type DrillSigningKey,
  type DrillTrust,
} from './drill-signature.js';
export { DrillBook, CLOCK_SKEW_MS, type DrillVerdict } from './drill-book.js';
export { crossesCut, drawDelay, impairmentOf, RETRANSMIT_MS, slows } from './drill-effects.js';
export { DrillExchange, type DrillExchangeDeps, type DrillPeer } from './drill-exchange.js';
export { AFTERMATH_MS } from './drill-recorder.js';
export { drillSummary, drillView } from './drill-view.js';
export {
  checkMembers,
  parseBetween,
  parseMilliseconds,
  parsePercent,
  parseSiteList,
} from './drill-request.js';
