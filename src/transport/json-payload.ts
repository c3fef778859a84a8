import type { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';

/**
 * Parses a JSON frame payload (HELLO, OPEN, CONTROL, redemption) against its schema. Hostile
 * bytes become CW_FRAME_MALFORMED naming `what` and the first bad field, never another error.
 */
export function decodeJsonPayload<T>(payload: Buffer, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new CausewayError(ErrorCode.FrameMalformed, `${what} is not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new CausewayError(
      ErrorCode.FrameMalformed,
      `${what} is malformed${at}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}
