export {
  FrameType,
  FRAME_HEADER_BYTES,
  encodeFrame,
  encodeFrameHeader,
  frameTypeName,
} from './frame.js';
export { FrameDecoder, type FrameSink } from './frame-decoder.js';
export { MuxStream, INITIAL_WINDOW } from './mux-stream.js';
export {
  MuxSession,
  DEFAULT_SESSION_TIMING,
  type SessionEvents,
  type SessionOptions,
  type SessionRole,
} from './mux-session.js';
export { bridgeFlow, type FlowOutcome } from './flow-bridge.js';
export { pipeSockets } from './pipe-sockets.js';
export { ResetCode, resetCodeName } from './reset-code.js';
export { spliceStreams } from './stream-splice.js';
export { decodeJsonPayload } from './json-payload.js';
export { MuxDuplex } from './mux-duplex.js';
