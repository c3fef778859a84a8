/** Why a flow was reset; carried in RESET frames so the far side can log and count the real cause. */
export const ResetCode = {
  Cancelled: 0,
  BackendUnreachable: 1,
  NoRoute: 2,
  ProtocolError: 3,
  LinkLost: 4,
  PeerReset: 5,
  IdleTimeout: 6,
  Refused: 7,
  FlowControl: 8,
  ConnectTimeout: 9,
} as const;
export type ResetCode = (typeof ResetCode)[keyof typeof ResetCode];

const NAMES = Object.fromEntries(Object.entries(ResetCode).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

/** Log-friendly name of a reset code, tolerant of codes from newer peers. */
export function resetCodeName(code: number): string {
  return NAMES[code] ?? `code-${code}`;
}
