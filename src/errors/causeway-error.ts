/** Stable error codes: scripts and tests match on these, never on messages. */
export const ErrorCode = {
  ConfigInvalid: 'CW_CONFIG_INVALID',
  ConfigMissing: 'CW_CONFIG_MISSING',
  SiteExists: 'CW_SITE_EXISTS',
  SiteLocked: 'CW_SITE_LOCKED',
  RouterNotRunning: 'CW_ROUTER_NOT_RUNNING',
  ConsoleTokenRefused: 'CW_CONSOLE_TOKEN_REFUSED',
  TokenMalformed: 'CW_TOKEN_MALFORMED',
  TokenUnknown: 'CW_TOKEN_UNKNOWN',
  TokenExpired: 'CW_TOKEN_EXPIRED',
  TokenUsedUp: 'CW_TOKEN_USED_UP',
  TokenForged: 'CW_TOKEN_FORGED',
  TokenOtherClusterset: 'CW_TOKEN_OTHER_CLUSTERSET',
  TokenPeerMismatch: 'CW_TOKEN_PEER_MISMATCH',
  LinkRedeemFailed: 'CW_LINK_REDEEM_FAILED',
  LinkExists: 'CW_LINK_EXISTS',
  LinkUnknown: 'CW_LINK_UNKNOWN',
  LinkRemoved: 'CW_LINK_REMOVED',
  FrameMalformed: 'CW_FRAME_MALFORMED',
  FrameTooLarge: 'CW_FRAME_TOO_LARGE',
  ProtocolVersion: 'CW_PROTOCOL_VERSION',
  PeerIdentity: 'CW_PEER_IDENTITY',
  AdvertSignature: 'CW_ADVERT_SIGNATURE',
  /** A signed control message (a revocation) whose authority signature does not check out. */
  ControlSignature: 'CW_CONTROL_SIGNATURE',
  SiteRevoked: 'CW_SITE_REVOKED',
  ServiceUnknown: 'CW_SERVICE_UNKNOWN',
  NoEndpoint: 'CW_NO_ENDPOINT',
  VipPoolExhausted: 'CW_VIP_POOL_EXHAUSTED',
  CidrPoolExhausted: 'CW_CIDR_POOL_EXHAUSTED',
  NetworkChanged: 'CW_NETWORK_CHANGED',
  BackendUnreachable: 'CW_BACKEND_UNREACHABLE',
  InputInvalid: 'CW_INPUT_INVALID',
  Timeout: 'CW_TIMEOUT',
  LeaseStoreInvalid: 'CW_LEASE_STORE_INVALID',
  LeaseContended: 'CW_LEASE_CONTENDED',
  KubeConfigInvalid: 'CW_KUBE_CONFIG_INVALID',
  KubeApiFailed: 'CW_KUBE_API_FAILED',
  KubeCrdIncompatible: 'CW_KUBE_CRD_INCOMPATIBLE',
  KubeClusterIdMismatch: 'CW_KUBE_CLUSTER_ID_MISMATCH',
  KubeNotInstalled: 'CW_KUBE_NOT_INSTALLED',
  KubeSiteMismatch: 'CW_KUBE_SITE_MISMATCH',
  KubeCorednsMissing: 'CW_KUBE_COREDNS_MISSING',
  KubeImageUnavailable: 'CW_KUBE_IMAGE_UNAVAILABLE',
  KubeRouterNotReady: 'CW_KUBE_ROUTER_NOT_READY',
  FlowReset: 'CW_FLOW_RESET',
  UpstreamFailed: 'CW_UPSTREAM_FAILED',
  WriterUnreachable: 'CW_WRITER_UNREACHABLE',
  DelegationRefused: 'CW_DELEGATION_REFUSED',
  DelegationFailed: 'CW_DELEGATION_FAILED',
  /** A failure drill that is forged, expired, replayed or not signed by the clusterset CA. */
  DrillRefused: 'CW_DRILL_REFUSED',
  /** Not raised on purpose: what an unexpected error is reported as at an edge. */
  Internal: 'CW_INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error Causeway raises on purpose; `code` is stable, `cause` is kept. */
export class CausewayError extends Error {
  readonly code: ErrorCode;
  /** A one-line hint telling the user what to do about it, when there is one. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CausewayError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `err` is a CausewayError with the given code. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof CausewayError && err.code === code;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True when `value` is one of the stable codes (for codes read back off the wire). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/** The code of any thrown value: its own when it is a CausewayError, CW_INTERNAL otherwise. */
export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof CausewayError ? err.code : ErrorCode.Internal;
}
