import { ErrorCode, errorCodeOf } from './causeway-error.js';

/** Exit codes scripts can rely on. */
export const ExitCode = { Ok: 0, Failure: 1, BadInput: 2, NotRunning: 3, Refused: 4 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * DNS response codes an error may answer as (RFC 1035 §4.1.1; BADVERS RFC 6891 §9). Numbers, not
 * the `dns/` area's table, because `errors/` imports nothing; `dns/rcode.ts` names the same values.
 */
export const WireRcode = { FormErr: 1, ServFail: 2, NxDomain: 3, Refused: 5, BadVers: 16 } as const;
export type WireRcode = (typeof WireRcode)[keyof typeof WireRcode];

/** How one error code shows on each boundary it can cross. */
export interface WireForm {
  /** Exit status of a CLI command that fails with it. */
  readonly exit: ExitCode;
  /** HTTP status of the local API or the HTTP ingress answering with it. */
  readonly http: number;
  /** DNS rcode, only for errors a DNS answer can be made of. */
  readonly rcode?: WireRcode;
}

const bad = (http = 400): WireForm => ({ exit: ExitCode.BadInput, http });
const refused = (http = 403): WireForm => ({ exit: ExitCode.Refused, http });
const failed = (http: number, rcode?: WireRcode): WireForm =>
  rcode === undefined ? { exit: ExitCode.Failure, http } : { exit: ExitCode.Failure, http, rcode };

/**
 * The one table of wire forms: the CLI, the local API, the HTTP ingress and DNS read it, so a code
 * never means "bad input" to one and "internal" to another. `satisfies Record<ErrorCode, …>`
 * makes a new code without a row a compile error.
 */
export const ERROR_WIRE = {
  [ErrorCode.ConfigInvalid]: bad(422),
  [ErrorCode.ConfigMissing]: bad(404),
  [ErrorCode.SiteExists]: bad(409),
  [ErrorCode.SiteLocked]: failed(409),
  [ErrorCode.RouterNotRunning]: { exit: ExitCode.NotRunning, http: 503 },
  [ErrorCode.ConsoleTokenRefused]: refused(401),
  [ErrorCode.TokenMalformed]: bad(),
  [ErrorCode.TokenUnknown]: refused(),
  [ErrorCode.TokenExpired]: refused(),
  [ErrorCode.TokenUsedUp]: refused(),
  [ErrorCode.TokenForged]: refused(),
  [ErrorCode.TokenOtherClusterset]: refused(),
  [ErrorCode.TokenPeerMismatch]: refused(),
  [ErrorCode.LinkRedeemFailed]: refused(502),
  [ErrorCode.LinkExists]: failed(409),
  [ErrorCode.LinkUnknown]: failed(404),
  [ErrorCode.LinkRemoved]: failed(410),
  [ErrorCode.AdvertSignature]: failed(502),
  [ErrorCode.ControlSignature]: failed(502),
  [ErrorCode.SiteRevoked]: refused(),
  [ErrorCode.FrameMalformed]: failed(400, WireRcode.FormErr),
  [ErrorCode.FrameTooLarge]: failed(413, WireRcode.FormErr),
  [ErrorCode.ProtocolVersion]: failed(400, WireRcode.BadVers),
  [ErrorCode.PeerIdentity]: failed(403, WireRcode.Refused),
  [ErrorCode.ServiceUnknown]: { exit: ExitCode.BadInput, http: 404, rcode: WireRcode.NxDomain },
  [ErrorCode.NoEndpoint]: failed(503, WireRcode.ServFail),
  [ErrorCode.VipPoolExhausted]: failed(503),
  [ErrorCode.CidrPoolExhausted]: bad(422),
  [ErrorCode.NetworkChanged]: failed(409),
  [ErrorCode.BackendUnreachable]: failed(502, WireRcode.ServFail),
  [ErrorCode.InputInvalid]: { exit: ExitCode.BadInput, http: 400, rcode: WireRcode.FormErr },
  [ErrorCode.Timeout]: failed(504, WireRcode.ServFail),
  [ErrorCode.LeaseStoreInvalid]: failed(502),
  [ErrorCode.LeaseContended]: failed(409),
  [ErrorCode.KubeConfigInvalid]: bad(),
  [ErrorCode.KubeApiFailed]: failed(502),
  [ErrorCode.KubeCrdIncompatible]: refused(409),
  [ErrorCode.KubeImageUnavailable]: bad(424),
  [ErrorCode.KubeRouterNotReady]: failed(503),
  [ErrorCode.KubeClusterIdMismatch]: bad(409),
  [ErrorCode.KubeNotInstalled]: bad(404),
  [ErrorCode.KubeSiteMismatch]: refused(409),
  [ErrorCode.KubeCorednsMissing]: failed(404),
  [ErrorCode.FlowReset]: failed(502),
  [ErrorCode.UpstreamFailed]: failed(502, WireRcode.ServFail),
  [ErrorCode.WriterUnreachable]: failed(503),
  [ErrorCode.DelegationRefused]: refused(502),
  [ErrorCode.DelegationFailed]: failed(502),
  [ErrorCode.DrillRefused]: refused(),
  [ErrorCode.Internal]: failed(500, WireRcode.ServFail),
} as const satisfies Record<ErrorCode, WireForm>;

/** The wire form of a code, or of any thrown value (an unexpected error is CW_INTERNAL). */
export function wireForm(codeOrError: unknown): WireForm {
  const code =
    typeof codeOrError === 'string' && codeOrError in ERROR_WIRE
      ? (codeOrError as ErrorCode)
      : errorCodeOf(codeOrError);
  return ERROR_WIRE[code];
}
