/**
 * Flow-control windows for the HTTP/2 reference peer. The 64 KiB protocol default would cap a
 * single stream far below what TLS on loopback carries, which would measure the default, not
 * the transport; both ends use the same values.
 */
export const H2_STREAM_WINDOW = 4 * 1024 * 1024;
export const H2_SESSION_WINDOW = 64 * 1024 * 1024;

/** Settings both ends advertise. Idle-flow runs hold ten thousand streams on one session. */
export const H2_SETTINGS = {
  initialWindowSize: H2_STREAM_WINDOW,
  maxConcurrentStreams: 1_000_000,
} as const;

/** Per-session memory cap in MB; node's 10 MB default refuses streams long before 10k flows. */
export const H2_MAX_SESSION_MEMORY_MB = 1_024;
