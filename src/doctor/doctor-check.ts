/** How bad a finding is; the worst one sets `causeway doctor`'s exit code. */
export type Severity = 'ok' | 'warning' | 'failure';

/** One finding: what was checked, what was seen, and what to do about it. */
export interface DoctorCheck {
  check: string;
  severity: Severity;
  message: string;
  hint?: string;
}

/** Exit codes of `doctor`, apart from the shared ones (2 bad input, 3 no router). */
export const DoctorExit = { ok: 0, warning: 5, failure: 6 } as const;

export function doctorExit(checks: readonly DoctorCheck[]): number {
  if (checks.some((c) => c.severity === 'failure')) return DoctorExit.failure;
  return checks.some((c) => c.severity === 'warning') ? DoctorExit.warning : DoctorExit.ok;
}
